"""The enquiries section of a person's subject access export (see privacy/personal_data.py).

Only enquiries the person submitted, with what they wrote, what the LMC
agreed with them and how the status changed. No staff-only notes, and no
officer's name: the officer appears as "your LMC officer".
"""

from typing import Any

from members.models import User

from .models import Enquiry, Scope, Status, Topic


def collect(user: User) -> dict[str, list[dict[str, Any]]]:
    enquiries = list(
        Enquiry.objects.filter(submitted_by=user).select_related("practice", "pcn").order_by("submitted_at", "pk")
    )
    references = {e.pk: e.reference for e in enquiries}
    timeline: list[dict[str, Any]] = []
    last_status: dict[int, str] = {}
    history = (
        Enquiry.history.model.objects.filter(id__in=references)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "status")
    )
    for enquiry_id, changed_at, status in history:
        if last_status.get(enquiry_id) != status:
            last_status[enquiry_id] = status
            timeline.append({"reference": references[enquiry_id], "date": changed_at, "status": Status(status).label})
    return {
        "enquiries": [
            {
                "reference": e.reference,
                "practice": e.practice.name,
                "about": Scope(e.scope).label + (f" ({e.pcn.name})" if e.pcn else ""),
                "topic": Topic(e.topic).label,
                "urgent": e.urgent,
                "why_urgent": e.urgent_reason,
                "summary": e.summary,
                "details": e.details,
                "preferred_contact_times": e.preferred_contact_times,
                "contact_phone": e.contact_phone,
                "submitted": e.submitted_at,
                "status": e.get_status_display(),
                "officer": "your LMC officer" if e.assigned_to_id else "",
                "first_contact_due": e.first_contact_due_at,
                "first_contact": e.first_contact_at,
                "plan": e.plan,
                "outcome": e.outcome,
                "closed": e.closed_at,
            }
            for e in enquiries
        ],
        "enquiry_status_history": timeline,
    }
