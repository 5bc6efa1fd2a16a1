"""The journey of a request for a person: support sessions against an allowance, and signposting.

A request to a service for a person (pastoral support) may have a number of
dated support sessions, its allowance, copied from the service when it is
made. Booking one more than the allowance is refused; only someone with the
`raise_session_allowance` permission (the triage lead) can raise it, and the
change is kept in the request's history with who, when and why. Signposting
(an officer pointed the member to an organisation) works for every service.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from members.models import User

from ..history import save_with_history
from ..models import AWAITING_FIRST_CONTACT, Enquiry, EnquirySignpost, Signpost, Status, SupportSession
from ..selectors.visibility import enquiry_is_visible_to_staff

__all__ = [
    "RAISE_ALLOWANCE_PERMISSION",
    "allowance_used_up_message",
    "enquiry_session_allowance_raise",
    "enquiry_signpost_record",
    "support_session_book",
]

RAISE_ALLOWANCE_PERMISSION = "enquiries.raise_session_allowance"


def allowance_used_up_message(*, allowance: int) -> str:
    """Return what an officer reads when a request has had all its sessions."""
    return (
        f"This request has had all {allowance} of its support sessions. "
        "Ask the triage lead to raise its allowance if more are needed."
    )


def _require_visible(*, enquiry: Enquiry, by: User) -> None:
    if not enquiry_is_visible_to_staff(user=by, enquiry=enquiry):
        raise PermissionDenied("You cannot work on this request.")


def _save_with_history(enquiry: Enquiry, *, by: User, at: datetime, reason: str) -> None:
    save_with_history(enquiry, by=by, at=at, reason=reason)


def support_session_book(*, enquiry: Enquiry, held_on: date, by: User, now: datetime | None = None) -> SupportSession:
    """Record a dated support session on a request for a person, within its allowance.

    Raise ValidationError (keyed `held_on`) for a request that is not for a
    person, is closed, still awaits its first conversation, or has used its
    allowance. The request's row is locked, so two officers booking at once
    cannot both take the last session.
    """
    now = now or timezone.now()
    _require_visible(enquiry=enquiry, by=by)
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update(of=("self",)).select_related("service").get(pk=enquiry.pk)
        if not enquiry.service.for_person:
            raise ValidationError({"held_on": "Support sessions are for requests for a person, such as pastoral support."})
        if enquiry.status == Status.CLOSED:
            raise ValidationError({"held_on": "This request is closed: reopen it before booking a session."})
        if enquiry.status in AWAITING_FIRST_CONTACT or enquiry.status == Status.ON_HOLD:
            raise ValidationError({"held_on": "Record the first conversation before booking support sessions."})
        used = enquiry.support_sessions.count()
        if used >= enquiry.session_allowance:
            raise ValidationError({"held_on": allowance_used_up_message(allowance=enquiry.session_allowance)})
        session = SupportSession(enquiry=enquiry, held_on=held_on, recorded_by=by, recorded_at=now)
        session.full_clean()
        session.save()
    return session


def enquiry_session_allowance_raise(
    *, enquiry: Enquiry, to: int, reason: str, by: User, now: datetime | None = None
) -> Enquiry:
    """Raise a request's support-session allowance to `to`, recording who, when and why in its history.

    Only someone with the `raise_session_allowance` permission (the triage lead) may.
    """
    now = now or timezone.now()
    if not by.has_perm(RAISE_ALLOWANCE_PERMISSION):
        raise PermissionDenied("Only the triage lead can raise a request's allowance of support sessions.")
    _require_visible(enquiry=enquiry, by=by)
    reason = reason.strip()
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update(of=("self",)).select_related("service").get(pk=enquiry.pk)
        errors = {}
        if not enquiry.service.for_person:
            errors["session_allowance"] = "Only requests for a person have an allowance of support sessions."
        elif to <= enquiry.session_allowance:
            errors["session_allowance"] = (
                f"The new allowance must be more than the current {enquiry.session_allowance} sessions."
            )
        elif to > 52:
            errors["session_allowance"] = "Allow 52 sessions at most."
        if not reason:
            errors["reason"] = "Say why this request needs more sessions."
        if errors:
            raise ValidationError(errors)
        before = enquiry.session_allowance
        enquiry.session_allowance = to
        enquiry.full_clean()
        _save_with_history(
            enquiry, by=by, at=now, reason=f"Session allowance raised from {before} to {to}: {reason}"[:100]
        )
    return enquiry


def enquiry_signpost_record(
    *, enquiry: Enquiry, signpost: Signpost, by: User, now: datetime | None = None
) -> EnquirySignpost:
    """Record that an officer pointed the member to `signpost`: kept in the history and shown to the member."""
    now = now or timezone.now()
    _require_visible(enquiry=enquiry, by=by)
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update(of=("self",)).get(pk=enquiry.pk)
        record = EnquirySignpost(enquiry=enquiry, signpost=signpost, recorded_by=by, recorded_at=now)
        record.full_clean()
        record.save()
        _save_with_history(enquiry, by=by, at=now, reason=f"Signposted to {signpost.name}"[:100])
    return record
