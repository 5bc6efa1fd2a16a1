"""The enquiries section of a person's subject access export (see privacy/personal_data.py).

Only enquiries the person submitted, with what they wrote, who they shared
them with, what the LMC agreed with them (the plan and outcome exactly as
their enquiry page shows them) and how the status changed; the messages on
those enquiries and every message the person wrote elsewhere, with their
documents (the files themselves, in the ZIP's documents folder); and their
unsent draft. No staff-only notes, and no
officer's name: the officer appears as "your LMC officer".
"""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db.models import Q

from members.models import User
from privacy.personal_data import PersonalDocument

from .models import TOPIC_LABELS, About, Enquiry, EnquiryDraft, EnquiryFile, EnquiryMessage, Scope, Sharing, Status


def collect(user: User) -> dict[str, list[dict[str, Any]]]:
    enquiries = list(
        Enquiry.objects.filter(submitted_by=user)
        .select_related("practice", "pcn", "service")
        .prefetch_related("shared_with", "support_sessions", "signposts__signpost")
        .order_by("submitted_at", "pk")
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
                "about": (About(e.about).label if e.about else "")
                if e.service.for_person
                else Scope(e.scope).label + (f" ({e.pcn.name})" if e.pcn else ""),
                "topic": TOPIC_LABELS.get(e.topic, e.topic),
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
                "who_can_see_it": Sharing(e.sharing).label,
                "shared_with": ", ".join(
                    sorted(u.get_full_name() or u.email for u in e.shared_with.all())
                ),
                "plan": e.plan if e.plan_published_at else "",
                "plan_written": e.plan_published_at,
                "outcome": e.outcome if e.outcome_published_at else "",
                "outcome_written": e.outcome_published_at,
                "chased": e.chased_at,
                "closed": e.closed_at,
                "service": e.service.name,
                "support_sessions": ", ".join(f"{s.held_on:%Y-%m-%d}" for s in e.support_sessions.all()),
                "signposted_to": ", ".join(r.signpost.name for r in e.signposts.all()),
            }
            for e in enquiries
        ],
        "enquiry_status_history": timeline,
        "enquiry_messages": _messages(user, references),
        "enquiry_drafts": [
            {"saved": draft.updated_at, **draft.data} for draft in EnquiryDraft.objects.filter(author=user)
        ],
    }


def _messages_of(user: User, own_enquiries: Iterable[int]):
    """The conversation on the person's own enquiries, and their own messages on colleagues' enquiries."""
    return (
        EnquiryMessage.objects.filter(Q(enquiry_id__in=list(own_enquiries)) | Q(author=user))
        .select_related("enquiry")
        .prefetch_related("files")
        .order_by("enquiry__reference", "created_at", "pk")
    )


def documents(user: User) -> list[PersonalDocument]:
    """The files sent with those messages, as `<reference>/<file id>-<name>` in the export's documents folder."""
    own = Enquiry.objects.filter(submitted_by=user).values_list("pk", flat=True)
    return [
        PersonalDocument(path=f"{m.enquiry.reference}/{f.pk}-{f.name}", read=partial(_read, f))
        for m in _messages_of(user, own)
        for f in m.files.all()
    ]


def _read(document: EnquiryFile) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _messages(user: User, own_enquiries: dict[int, str]) -> list[dict[str, Any]]:
    """The conversation on the person's own enquiries, and their own messages on colleagues' enquiries."""
    rows = _messages_of(user, own_enquiries)
    return [
        {
            "reference": m.enquiry.reference,
            "sent": m.created_at,
            "from": "you" if m.author_id == user.pk else ("your LMC officer" if m.from_lmc else "a colleague"),
            "text": m.text,
            "documents": ", ".join(f"documents/{m.enquiry.reference}/{f.pk}-{f.name}" for f in m.files.all()),
        }
        for m in rows
    ]
