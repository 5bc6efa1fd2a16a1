"""Staff journey of an enquiry: assign, first contact, plan, facilitation, mediation, close.

Each function checks the move is allowed, saves the enquiry with the acting
staff member recorded in its history, and raises ValidationError with a
message written for LMC staff when the move is not allowed.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from members.models import User

from ..history import save_with_history
from ..models import AFTER_FIRST_CONTACT, Enquiry, StaffNote, Status
from ..selectors.visibility import enquiry_is_visible_to_staff, officer_is_conflicted_with
from .conversation import enquiry_published_notify

__all__ = [
    "CONTACT_METHODS",
    "enquiry_assign",
    "enquiry_record_first_contact",
    "enquiry_agree_plan",
    "enquiry_start_facilitation",
    "enquiry_escalate_to_mediation",
    "enquiry_close",
    "staff_note_add",
    "can_work_enquiries",
]

CONTACT_METHODS = [
    ("phone", "Phone call"),
    ("video", "Video call"),
    ("in_person", "In person"),
    ("email", "Email"),
]

WORK_PERMISSION = "enquiries.record_contact_enquiry"


def can_work_enquiries(user: User) -> bool:
    """Return whether `user` is active staff allowed to work enquiries (so may be assigned one)."""
    return user.is_active and user.is_staff and user.has_perm(WORK_PERMISSION)


def _refuse_if_closed(enquiry: Enquiry) -> None:
    if enquiry.status == Status.CLOSED:
        raise ValidationError(f"{enquiry.reference} is closed: nothing more can be recorded on it.")


def _save(enquiry: Enquiry, *, by: User, reason: str) -> Enquiry:
    """Validate and save `enquiry`, recording `by` and `reason` in its history."""
    enquiry.full_clean()
    save_with_history(enquiry, by=by, reason=reason)
    return enquiry


def _locked(enquiry: Enquiry) -> Enquiry:
    """Reload `enquiry` with its row locked, so two staff acting at once are applied in turn."""
    return Enquiry.objects.select_for_update().get(pk=enquiry.pk)


@transaction.atomic
def enquiry_assign(*, enquiry: Enquiry, officer: User, by: User) -> Enquiry:
    """Make `officer` responsible for `enquiry`; a newly received enquiry becomes "assigned".

    Only staff who may assign others (the triage lead) can move an enquiry away from a colleague.
    """
    enquiry = _locked(enquiry)
    _refuse_if_closed(enquiry)
    if not can_work_enquiries(officer):
        raise ValidationError(f"{officer} cannot work enquiries: choose an LMC officer.")
    if officer_is_conflicted_with(officer=officer, enquiry=enquiry):
        raise ValidationError(
            f"{officer} has a conflict of interest with the practice that sent {enquiry.reference}, "
            "so cannot be assigned to it: choose another officer."
        )
    if not enquiry_is_visible_to_staff(user=officer, enquiry=enquiry):
        raise ValidationError(
            f"{enquiry.reference} is restricted and {officer} is not named on it: "
            "add them to the restriction first, or choose a named officer."
        )
    current = enquiry.assigned_to
    if current is not None and current != officer and not by.has_perm("enquiries.assign_enquiry"):
        raise ValidationError(
            f"{enquiry.reference} is assigned to {current.get_full_name() or current.email}: "
            "ask the triage lead to reassign it."
        )
    enquiry.assigned_to = officer
    if enquiry.status == Status.SUBMITTED:
        enquiry.status = Status.TRIAGED
    reason = "Took the enquiry" if officer == by else f"Assigned to {officer.get_full_name() or officer.email}"
    return _save(enquiry, by=by, reason=reason)


@transaction.atomic
def enquiry_record_first_contact(*, enquiry: Enquiry, at: datetime, method: str, by: User) -> Enquiry:
    """Record when and how the LMC first spoke to the practice; unassigned enquiries go to `by`."""
    enquiry = _locked(enquiry)
    _refuse_if_closed(enquiry)
    if enquiry.status == Status.ON_HOLD:
        raise ValidationError(
            f"{enquiry.reference} is on hold while PCN support is paused: resume PCN support first."
        )
    if enquiry.first_contact_at is not None:
        raise ValidationError(
            f"First contact on {enquiry.reference} was already recorded on "
            f"{timezone.localtime(enquiry.first_contact_at):%d %b %Y at %H:%M}."
        )
    if timezone.is_naive(at):
        raise ValueError("`at` must be an aware datetime")
    if at > timezone.now():
        raise ValidationError("The first contact time is in the future: enter when the conversation took place.")
    if at < enquiry.submitted_at:
        raise ValidationError(
            f"The first contact time is before {enquiry.reference} was submitted: check the date and time."
        )
    if method not in dict(CONTACT_METHODS):
        raise ValidationError("Choose how the first contact was made.")
    enquiry.first_contact_at = at
    enquiry.first_contact_method = method
    enquiry.status = Status.FIRST_CONTACT
    if enquiry.assigned_to_id is None:
        enquiry.assigned_to = by
    return _save(enquiry, by=by, reason=f"First contact recorded ({dict(CONTACT_METHODS)[method].lower()})")


@transaction.atomic
def enquiry_agree_plan(*, enquiry: Enquiry, plan: str, by: User) -> Enquiry:
    """Record the support plan agreed with the practice (or a revised one)."""
    enquiry = _locked(enquiry)
    _refuse_if_closed(enquiry)
    if enquiry.first_contact_at is None:
        raise ValidationError(f"Record the first contact on {enquiry.reference} before agreeing a plan.")
    if enquiry.status not in (Status.FIRST_CONTACT, Status.PLAN_AGREED):
        raise ValidationError(
            f"{enquiry.reference} is already in {enquiry.get_status_display().lower()}: "
            "add a staff note to record changes to the plan."
        )
    if not plan.strip():
        raise ValidationError("Enter the plan agreed with the practice.")
    reason = "Plan revised" if enquiry.status == Status.PLAN_AGREED else "Plan agreed"
    enquiry.plan = plan.strip()
    enquiry.plan_published_at = timezone.now()  # member-facing: shown on their page from now
    enquiry.status = Status.PLAN_AGREED
    _save(enquiry, by=by, reason=reason)
    enquiry_published_notify(enquiry=enquiry, what="plan", at=enquiry.plan_published_at)
    return enquiry


@transaction.atomic
def enquiry_start_facilitation(*, enquiry: Enquiry, by: User) -> Enquiry:
    """Move an enquiry with an agreed plan into facilitation."""
    enquiry = _locked(enquiry)
    _refuse_if_closed(enquiry)
    if enquiry.status != Status.PLAN_AGREED:
        raise ValidationError(f"Agree a plan on {enquiry.reference} before moving it to facilitation.")
    enquiry.status = Status.FACILITATION
    return _save(enquiry, by=by, reason="Moved to facilitation")


@transaction.atomic
def enquiry_escalate_to_mediation(*, enquiry: Enquiry, by: User, note: str = "") -> Enquiry:
    """Escalate an enquiry to mediation, the last step before legal action, with a staff note saying why."""
    enquiry = _locked(enquiry)
    _refuse_if_closed(enquiry)
    if enquiry.first_contact_at is None or enquiry.status not in AFTER_FIRST_CONTACT:
        raise ValidationError(f"Record the first contact on {enquiry.reference} before escalating to mediation.")
    if enquiry.status == Status.MEDIATION:
        raise ValidationError(f"{enquiry.reference} is already in mediation.")
    enquiry.status = Status.MEDIATION
    enquiry = _save(enquiry, by=by, reason="Escalated to mediation")
    if note.strip():
        staff_note_add(enquiry=enquiry, text=note, author=by)
    return enquiry


@transaction.atomic
def enquiry_close(*, enquiry: Enquiry, outcome: str, by: User) -> Enquiry:
    """Close an enquiry with its outcome. Every enquiry gets a first conversation before it closes."""
    enquiry = _locked(enquiry)
    _refuse_if_closed(enquiry)
    if not outcome.strip():
        raise ValidationError(f"Enter the outcome before closing {enquiry.reference}.")
    if enquiry.first_contact_at is None:
        raise ValidationError(
            f"Record the first contact on {enquiry.reference} before closing it "
            "(a call or email telling the practice it is being closed counts)."
        )
    enquiry.outcome = outcome.strip()
    enquiry.status = Status.CLOSED
    enquiry.closed_at = timezone.now()
    enquiry.outcome_published_at = enquiry.closed_at  # member-facing: shown on their page from now
    _save(enquiry, by=by, reason="Closed")
    enquiry_published_notify(enquiry=enquiry, what="outcome", at=enquiry.outcome_published_at)
    return enquiry


def staff_note_add(*, enquiry: Enquiry, text: str, author: User) -> StaffNote:
    """Add a staff-only note to `enquiry`, written by `author` now."""
    if not text.strip():
        raise ValidationError("Enter the note.")
    note = StaffNote(enquiry=enquiry, author=author, text=text.strip(), created_at=timezone.now())
    note.full_clean()
    note.save()
    return note
