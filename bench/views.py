"""Bench-only views: the bare list the triage changelist is compared with, and a
stand-in for the members' submission page until the real one is merged.

Mounted by bench/urls.py, which only the bench settings use.
"""

import uuid

from django.contrib import admin
from django.db import transaction
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone

from enquiries.models import Enquiry, ReferenceCounter, Topic
from lmcportal.mail.services import email_queue
from members.access import member_required
from members.selectors import practices_for_user

BARE_ROWS = 100


def bare_rows() -> int:
    """As many rows as the triage changelist shows on a page (100 until it is registered)."""
    model_admin = admin.site._registry.get(Enquiry)
    return model_admin.list_per_page if model_admin else BARE_ROWS


def bare_enquiry_list(request):
    """The least Django can do to list a page of the newest enquiries: one query, one small template."""
    if not request.user.is_staff:
        return HttpResponseForbidden()
    rows = Enquiry.objects.select_related("practice", "assigned_to").order_by("-submitted_at", "-pk")[: bare_rows()]
    return render(request, "bench/bare_list.html", {"rows": rows})


@member_required
def stand_in_submit(request):
    """A minimal submission page with the real one's interface (fields, hidden token, redirect).

    It exists so the load and fault scripts can prove their harness before
    `enquiries:submit` is merged; they use the real page when it exists.
    """
    practice = practices_for_user(user=request.user).first()
    if request.method == "POST":
        data = request.POST
        if data.get("topic") in Topic.values and data.get("summary") and data.get("details"):
            enquiry = _stand_in_create(request=request, practice=practice, data=data)
            return redirect("bench:submitted", reference=enquiry.reference)
    return render(request, "bench/submit.html", {"token": uuid.uuid4(), "topics": Topic.choices}, status=200)


def _stand_in_create(*, request, practice, data) -> Enquiry:
    now = timezone.now()
    with transaction.atomic():
        counter, _ = ReferenceCounter.objects.get_or_create(year=now.year)
        counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        urgent = data.get("urgent") == "on"
        enquiry = Enquiry.objects.create(
            reference=f"LMS-{now.year}-{counter.last_number:05d}",
            practice=practice,
            topic=data["topic"],
            urgent=urgent,
            urgent_reason=data.get("urgent_reason", "") if urgent else "",
            summary=data["summary"],
            details=data["details"],
            submitted_by=request.user,
            submitted_at=now,
            sla_started_at=now,
            first_contact_due_at=now + timezone.timedelta(hours=48 if urgent else 168),
        )
        email_queue(
            to=[request.user.email],
            template="bench/email/acknowledgement",
            context={"enquiry": enquiry},
            dedupe_key=f"enquiry-ack:{enquiry.pk}",
        )
    return enquiry


@member_required
def stand_in_submitted(request, reference: str):
    return render(request, "bench/submitted.html", {"reference": reference})
