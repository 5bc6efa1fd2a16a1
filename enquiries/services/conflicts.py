"""Conflicts of interest: declaring one, and withdrawing it.

Who a conflict hides which enquiries from is read-side, in
`enquiries.selectors.visibility`. Here: who may record or withdraw a
conflict, and what declaring one does to open work (an enquiry assigned to
the officer goes back to the triage queue, and the triage inbox is told).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mail.services import email_queue
from members.models import PCN, Practice, User

from ..history import save_with_history
from ..models import OPEN_STATUSES, ConflictOfInterest, Enquiry, Status
from ..selectors.visibility import enquiries_conflicted_for

__all__ = ["CONFLICT_UNASSIGNED_REASON", "conflict_declare", "conflict_declare_check", "conflict_withdraw"]

CONFLICT_UNASSIGNED_REASON = "Officer declared a conflict of interest"


def _check_may_record(*, officer: User, by: User) -> None:
    if by.has_perm("enquiries.manage_conflicts"):
        return
    if officer.pk == by.pk and by.has_perm("enquiries.declare_own_conflict"):
        return
    raise PermissionDenied("Only the triage lead can record a conflict of interest for another officer.")


def conflict_declare_check(*, officer: User, practice: Practice | None, pcn: PCN | None, reason: str) -> None:
    """Raise ValidationError, in words for staff, if this conflict cannot be recorded as it stands."""
    if not (officer.is_active and officer.is_staff):
        raise ValidationError("Conflicts of interest are recorded for active LMC staff only.")
    if (practice is None) == (pcn is None):
        raise ValidationError("Choose either a practice or a PCN, not both.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why there is a conflict, for example 'my spouse is a partner there'."})
    if ConflictOfInterest.objects.filter(
        officer=officer, practice=practice, pcn=pcn, withdrawn_at__isnull=True
    ).exists():
        raise ValidationError(f"{officer} already has this conflict of interest recorded.")


@transaction.atomic
def conflict_declare(
    *, officer: User, practice: Practice | None = None, pcn: PCN | None = None, reason: str, by: User
) -> ConflictOfInterest:
    """Record that `officer` is conflicted with `practice` or `pcn` (exactly one), recorded by `by` now.

    Officers declare their own; the triage lead may record one for anyone.
    Open enquiries assigned to `officer` that the conflict now hides go back
    to the triage queue, with the reason in their history, and the triage
    inbox is told which references (never the practice or the topic).
    """
    _check_may_record(officer=officer, by=by)
    conflict_declare_check(officer=officer, practice=practice, pcn=pcn, reason=reason)
    conflict = ConflictOfInterest(
        officer=officer, practice=practice, pcn=pcn, reason=reason.strip(), recorded_by=by, recorded_at=timezone.now()
    )
    conflict.full_clean()
    conflict.save()
    _unassign_conflicted_work(officer=officer, by=by)
    return conflict


def _unassign_conflicted_work(*, officer: User, by: User) -> list[Enquiry]:
    assigned = Enquiry.objects.filter(assigned_to=officer, status__in=OPEN_STATUSES)
    returned = []
    for enquiry in enquiries_conflicted_for(officer=officer, queryset=assigned).select_for_update().order_by("pk"):
        enquiry.assigned_to = None
        if enquiry.status == Status.TRIAGED:
            enquiry.status = Status.SUBMITTED
        enquiry.full_clean()
        save_with_history(enquiry, by=by, reason=CONFLICT_UNASSIGNED_REASON)
        returned.append(enquiry)
    if returned:
        admin_base = f"{settings.SITE_URL.rstrip('/')}"
        email_queue(
            to=[settings.LMC_TRIAGE_EMAIL],
            template="enquiries/email/conflict_unassigned",
            context={
                "officer_name": officer.get_full_name() or officer.email,
                "enquiries": [
                    {
                        "reference": enquiry.reference,
                        "link": admin_base + reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]),
                    }
                    for enquiry in returned
                ],
            },
        )
    return returned


@transaction.atomic
def conflict_withdraw(*, conflict: ConflictOfInterest, by: User) -> ConflictOfInterest:
    """Withdraw `conflict` (triage lead only). The record stays, stamped with who withdrew it and when."""
    if not by.has_perm("enquiries.manage_conflicts"):
        raise PermissionDenied("Only the triage lead can withdraw a conflict of interest.")
    conflict = ConflictOfInterest.objects.select_for_update().get(pk=conflict.pk)
    if conflict.withdrawn_at is not None:
        raise ValidationError("This conflict of interest was already withdrawn.")
    conflict.withdrawn_at = timezone.now()
    conflict.withdrawn_by = by
    conflict.full_clean()
    conflict.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return conflict
