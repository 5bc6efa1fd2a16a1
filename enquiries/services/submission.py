"""Submitting an enquiry, and pausing or resuming support to PCNs."""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import CheckConstraint
from django.urls import reverse
from django.utils import timezone

from mail.services import EmailDraft, email_queue, email_render, emails_queue_rendered
from members.models import Practice, User
from members.selectors import practices_for_user

from .. import sla
from ..history import save_with_history
from ..models import (
    CONTACT_TIMES_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    URGENT_REASON_MAX_LENGTH,
    About,
    Enquiry,
    EnquiryDraft,
    PcnSupportPause,
    Scope,
    ServiceReferenceCounter,
    Sharing,
    Status,
    SupportService,
)
from ..selectors.member import enquiry_list_for_member, enquiry_recent_duplicate, pcn_support_pause_current
from .conversation import PERSON_ONLY_ME_MESSAGE, enquiry_sharing_check

__all__ = [
    "DUPLICATE_WINDOW",
    "EnquiryAlreadySent",
    "support_service_get",
    "too_long_message",
    "enquiry_submit",
    "pcn_support_pause",
    "pcn_support_pause_check",
    "pcn_support_resume",
    "pcn_support_resume_due",
]

# The same person sending the same summary or details within this time is
# shown the enquiry they already sent (and what changed) and asked whether
# they meant to send another.
DUPLICATE_WINDOW = timedelta(hours=24)
# The fields a member may have changed between sending and sending again.
COMPARED_FIELDS = [
    ("summary", "Summary"),
    ("details", "Details"),
    ("urgent_reason", "Why it is urgent"),
    ("preferred_contact_times", "Best times to contact you"),
    ("contact_phone", "Phone number"),
]


class EnquiryAlreadySent(Exception):
    """The member has already sent this enquiry: nothing new was made.

    `changes` lists (label, what was sent, what is sent now) for each field
    that differs; empty when the same words were sent again.
    """

    def __init__(self, *, enquiry: Enquiry, changes: list[tuple[str, str, str]], same_form: bool):
        super().__init__(f"{enquiry.reference} was already sent")
        self.enquiry = enquiry
        self.changes = changes
        self.same_form = same_form


def _changes(enquiry: Enquiry, fields: dict) -> list[tuple[str, str, str]]:
    return [
        (label, getattr(enquiry, name), fields[name])
        for name, label in COMPARED_FIELDS
        if getattr(enquiry, name) != fields[name]
    ]


def too_long_message(*, what: str, limit: int, length: int) -> str:
    """Return the message for text over its limit, saying the limit and how much was written."""
    return f"{what} must be {limit:,} characters or fewer. You have written {length:,}: please shorten it."


def _check(
    *,
    service: SupportService,
    submitted_by,
    practice,
    scope,
    topic,
    about,
    urgent,
    urgent_reason,
    summary,
    details,
    preferred_contact_times,
    contact_phone,
) -> None:
    errors: dict[str, str] = {}
    if service.for_person:
        if scope != Scope.PRACTICE:
            errors["scope"] = "A request for yourself or a colleague is not made for a PCN."
        if about not in About.values:
            errors["about"] = "Tell us whether this is about you or about a colleague you are worried about."
    elif about:
        errors["about"] = "This service helps practices, not one person: leave this question unanswered."
    if practice is None or not practices_for_user(user=submitted_by).filter(pk=practice.pk).exists():
        errors["practice"] = "Choose one of your own practices."
    if scope not in Scope.values:
        errors["scope"] = "Choose whether this is about your practice or your PCN."
    elif scope == Scope.PCN and practice is not None and practice.pcn_id is None:
        errors["scope"] = "We do not have your practice in a PCN. Choose 'Our practice', or contact the LMC to update your PCN."
    if topic not in service.topics:
        errors["topic"] = "Choose what your enquiry is about."
    if urgent and not urgent_reason.strip():
        errors["urgent_reason"] = "Tell us why this is urgent, or untick 'This is urgent'."
    if not summary.strip():
        errors["summary"] = "Enter a short summary of what you need help with."
    if not details.strip():
        errors["details"] = "Tell us what is happening and what help you would like."
    for field, what, limit, value in [
        ("summary", "The summary", SUMMARY_MAX_LENGTH, summary),
        ("details", "The details", DETAILS_MAX_LENGTH, details),
        ("urgent_reason", "Why it is urgent", URGENT_REASON_MAX_LENGTH, urgent_reason),
        ("preferred_contact_times", "Best times to contact you", CONTACT_TIMES_MAX_LENGTH, preferred_contact_times),
        ("contact_phone", "The phone number", PHONE_MAX_LENGTH, contact_phone),
    ]:
        if len(value) > limit:
            errors[field] = too_long_message(what=what, limit=limit, length=len(value))
    if errors:
        raise ValidationError(errors)


def _next_reference(*, service: SupportService, year: int) -> str:
    """Take the next number of the service's year and return the reference, e.g. LMS-2026-00042.

    One statement, `UPDATE ... RETURNING`, which also locks the counter's row
    until the transaction ends: every submission to the service in the year
    queues here, so it is taken as late as possible. The first submission of
    a year creates the row; two racing to create it meet the unique
    constraint, and the loser takes the winner's next number.
    """
    number = _counter_bump(service=service, year=year)
    if number is None:
        try:
            with transaction.atomic():
                ServiceReferenceCounter.objects.create(service=service, year=year)
        except IntegrityError:
            pass  # another submission made it first
        number = _counter_bump(service=service, year=year)
    if number is None:  # pragma: no cover - the row exists by now
        raise RuntimeError(f"no reference counter for {service.slug} {year}")
    return f"{service.reference_prefix}-{year}-{number:05d}"


def _counter_bump(*, service: SupportService, year: int) -> int | None:
    """Add one to the counter and return the new number (None if the year has no counter yet)."""
    name = connection.ops.quote_name
    table = name(ServiceReferenceCounter._meta.db_table)
    last = name("last_number")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE {name('service_id')} = %s AND {name('year')} = %s "
            f"RETURNING {last}",
            [service.pk, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def support_service_get(*, slug: str) -> SupportService:
    """Return the service with this slug; raise ValidationError if there is none."""
    service = SupportService.objects.filter(slug=slug).select_related("staff_group").first()
    if service is None:
        raise ValidationError("There is no such support service.")
    return service


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _admin_link(enquiry: Enquiry) -> str:
    return _absolute(reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]))


def _member_link(enquiry: Enquiry) -> str:
    return _absolute(reverse("enquiries:detail", kwargs={"reference": enquiry.reference}))


# Rendered before the enquiry has a reference or a primary key: these stand in
# for them and are replaced once it is saved. The reference placeholder has
# the shape of a reference (year 0000, which no enquiry has), so links to the
# enquiry's page can be built with it.
_REFERENCE_PLACEHOLDER = "ZZZZ-0000-00000"
_PK_PLACEHOLDER = "0000000000"


def _render_submission_emails(*, enquiry: Enquiry, pause: PcnSupportPause | None, now: datetime) -> list:
    """Render the acknowledgement and the triage notice for an enquiry not yet saved.

    Return (to, rendered email, dedupe key prefix) for each; `_queue_rendered`
    fills in the reference and primary key and queues them.
    """
    due_words = sla.describe_due(enquiry.first_contact_due_at, now=now) if enquiry.first_contact_due_at else ""
    reference, enquiry.reference = enquiry.reference, _REFERENCE_PLACEHOLDER
    try:
        emails = []
        if enquiry.submitted_by and enquiry.submitted_by.email:
            emails.append((
                [enquiry.submitted_by.email],
                email_render(
                    template="enquiries/email/acknowledgement",
                    context={"enquiry": enquiry, "due_words": due_words, "pause": pause, "link": _member_link(enquiry)},
                ),
                "enquiry-ack",
            ))
        # The service's inbox is shared: reference, topic and urgency only, and a link.
        admin_link = _absolute(reverse("admin:enquiries_enquiry_change", args=[_PK_PLACEHOLDER]))
        emails.append((
            [enquiry.service.inbox],
            email_render(
                template="enquiries/email/triage_notice",
                context={"enquiry": enquiry, "due_words": due_words, "link": admin_link},
            ),
            "enquiry-new",
        ))
    finally:
        enquiry.reference = reference
    return emails


def _queue_rendered(emails: list, *, enquiry: Enquiry) -> None:
    admin_link = _absolute(reverse("admin:enquiries_enquiry_change", args=[_PK_PLACEHOLDER]))
    # One INSERT for both: the enquiry is new, so their dedupe keys are too.
    emails_queue_rendered(
        drafts=[
            EmailDraft(
                to=to,
                rendered=email.replace(_REFERENCE_PLACEHOLDER, enquiry.reference).replace(
                    admin_link, _admin_link(enquiry)
                ),
                dedupe_key=f"{key}:{enquiry.pk}",
            )
            for to, email, key in emails
        ]
    )


def enquiry_submit(
    *,
    submitted_by: User,
    practice: Practice,
    scope: str,
    topic: str,
    urgent: bool,
    urgent_reason: str,
    summary: str,
    details: str,
    preferred_contact_times: str = "",
    contact_phone: str = "",
    submission_token: uuid.UUID | None = None,
    sharing: str = Sharing.ONLY_ME,
    shared_with: Iterable[User] = (),
    allow_duplicate: bool = False,
    service: "str | SupportService" = "leadership",
    about: str = "",
    now: datetime | None = None,
) -> Enquiry:
    """Record a member's enquiry, start its first-contact clock and queue the emails.

    `service` is the support service, or its slug (Leadership and Management
    Support by default); its topics and first-contact targets apply. A
    request to a service for a person (pastoral support) is always seen only
    by its sender: any other `sharing` is refused, and `about` (self or
    colleague) is required.

    Raise ValidationError (keyed by form field) for bad input, a practice the
    user does not belong to, or a named colleague who is not a member of that
    practice. `sharing` says who at the practice may see it (only the sender
    by default). A PCN-scope enquiry made while PCN support is paused is held:
    status on hold, no due time.

    Nothing is sent twice by accident. With a `submission_token` already used
    by this member, return that enquiry if the words are the same, and raise
    EnquiryAlreadySent with the changes if they were edited. Unless
    `allow_duplicate`, the same summary or details from the same person
    within 24 hours raise EnquiryAlreadySent too. Sending deletes the member's
    draft. The acknowledgement and the triage notice are written to the
    outbox in the same transaction as the enquiry, so they go out once it is
    committed.
    """
    now = now or timezone.now()
    support_service = service if isinstance(service, SupportService) else support_service_get(slug=service)
    if support_service.for_person and (sharing != Sharing.ONLY_ME or list(shared_with)):
        raise ValidationError({"sharing": PERSON_ONLY_ME_MESSAGE})
    fields: dict[str, Any] = {
        "scope": scope,
        "topic": topic,
        "about": about,
        "urgent": urgent,
        "urgent_reason": urgent_reason.strip() if urgent else "",
        "summary": summary.strip(),
        "details": details.strip(),
        "preferred_contact_times": preferred_contact_times.strip(),
        "contact_phone": contact_phone.strip(),
    }
    _check(service=support_service, submitted_by=submitted_by, practice=practice, **fields)
    named = enquiry_sharing_check(practice=practice, sender=submitted_by, sharing=sharing, shared_with=shared_with)
    # Everything that needs no lock is done first: the enquiry is built and
    # checked, and its emails rendered, before the transaction starts.
    pause = pcn_support_pause_current() if scope == Scope.PCN else None
    enquiry = _build(
        service=support_service, submitted_by=submitted_by, practice=practice, submission_token=submission_token,
        sharing=sharing, pause=pause, now=now, **fields,
    )
    emails = _render_submission_emails(enquiry=enquiry, pause=pause, now=now)
    try:
        with transaction.atomic():
            existing = _lock_sender_and_find_earlier(
                submitted_by=submitted_by, submission_token=submission_token, allow_duplicate=allow_duplicate,
                fields=fields, now=now,
            )
            if existing is not None:
                return existing
            if scope == Scope.PCN:
                # Locked so a resume running now either sees this enquiry as held or
                # has already ended the pause before we look.
                locked_pause = PcnSupportPause.objects.select_for_update().filter(active=True).first()
                if (locked_pause is None) != (pause is None):  # it began or ended since we looked: rebuild
                    pause = locked_pause
                    enquiry = _build(
                        service=support_service, submitted_by=submitted_by, practice=practice,
                        submission_token=submission_token, sharing=sharing, pause=pause, now=now, **fields,
                    )
                    emails = _render_submission_emails(enquiry=enquiry, pause=pause, now=now)
            EnquiryDraft.objects.filter(author=submitted_by).delete()
            # The year's counter is taken last: from here to the commit is a
            # few inserts, so submissions queue on it for milliseconds.
            enquiry.reference = _next_reference(service=support_service, year=now.astimezone(sla.LONDON).year)
            _save_with_history(enquiry, by=submitted_by, at=now)
            if named:  # a new enquiry has no one to remove
                enquiry.shared_with.add(*named)
            _queue_rendered(emails, enquiry=enquiry)
            return enquiry
    except IntegrityError as exc:
        message = _constraint_message(exc)
        if message is not None:
            raise ValidationError(message) from exc
        # A second click with the same token got in between our check and our insert.
        existing = (
            _existing_for_token(submitted_by=submitted_by, token=submission_token, fields=fields)
            if submission_token
            else None
        )
        if existing is None:
            raise
        return existing


def _existing_for_token(*, submitted_by: User, token: uuid.UUID, fields: dict) -> Enquiry | None:
    """Return the enquiry this form already made, if the same words were sent; raise if they were edited."""
    existing = Enquiry.objects.filter(submission_token=token).first()
    if existing is not None and existing.submitted_by_id != submitted_by.pk:
        raise ValidationError("This form has already been used. Please open a new form and try again.")
    if existing is not None and existing.anonymised_at is None:
        changes = _changes(existing, fields)
        if changes:
            raise EnquiryAlreadySent(enquiry=existing, changes=changes, same_form=True)
    return existing


def _save_with_history(enquiry: Enquiry, *, by: User | None, at: datetime) -> None:
    """Save, recording who made the change and when in the enquiry's history."""
    save_with_history(enquiry, by=by, at=at)


def _constraint_message(exc: IntegrityError) -> str | None:
    """Return the message of the Enquiry CHECK constraint `exc` reports breaking, if it is one."""
    for constraint in Enquiry._meta.constraints:
        if isinstance(constraint, CheckConstraint) and constraint.name in str(exc):
            return constraint.get_violation_error_message()
    return None


# The first key of the per-sender advisory lock (PostgreSQL), so it cannot
# meet another feature's advisory locks; the second key is the user's id.
_SUBMIT_LOCK_CLASS = 0x454E51  # "ENQ"


def _lock_sender_and_find_earlier(
    *, submitted_by: User, submission_token, allow_duplicate: bool, fields: dict, now: datetime
) -> Enquiry | None:
    """Queue behind the sender's other submissions, then look for the enquiry this one repeats.

    Return the enquiry this form's token already made; raise
    EnquiryAlreadySent for an edited resend or, unless `allow_duplicate`, the
    same words sent within DUPLICATE_WINDOW. The lock (held until the
    transaction ends) is per sender, so a double click or two tabs sending at
    once find each other, while other members' submissions do not wait. On
    SQLite, which lets one writer in at a time, there is no lock to take.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_SUBMIT_LOCK_CLASS, submitted_by.pk])
    if submission_token is not None:
        existing = _existing_for_token(submitted_by=submitted_by, token=submission_token, fields=fields)
        if existing is not None:
            return existing
    if not allow_duplicate:
        duplicate = enquiry_recent_duplicate(
            user=submitted_by, summary=fields["summary"], details=fields["details"], since=now - DUPLICATE_WINDOW
        )
        if duplicate is not None:
            raise EnquiryAlreadySent(enquiry=duplicate, changes=_changes(duplicate, fields), same_form=False)
    return None


def _build(
    *,
    service: SupportService,
    submitted_by: User,
    practice: Practice,
    scope: str,
    urgent: bool,
    now: datetime,
    submission_token,
    sharing: str,
    pause: PcnSupportPause | None,
    **fields,
) -> Enquiry:
    """Return the enquiry, checked and not yet saved, with no reference yet."""
    enquiry = Enquiry(
        reference="",
        service=service,
        session_allowance=service.session_allowance if service.for_person else 0,
        submitted_by=submitted_by,
        submission_token=submission_token,
        practice=practice,
        scope=scope,
        pcn_id=practice.pcn_id if scope == Scope.PCN else None,
        urgent=urgent,
        sharing=sharing,
        submitted_at=now,
        **fields,
    )
    if pause is not None:
        enquiry.status = Status.ON_HOLD
    else:
        enquiry.status = Status.SUBMITTED
        enquiry.sla_started_at = now
        enquiry.first_contact_due_at = sla.first_contact_due(now, urgent=urgent, targets=service.targets)
    # Fields are checked here; the CHECK and UNIQUE constraints are the
    # database's to enforce (re-checking them cost a dozen statements), and a
    # violation still reads as the same message. The practice (a membership
    # was checked), the sender and the service exist: no query to ask again.
    # The reference is given at the last moment.
    enquiry.full_clean(
        exclude=["practice", "submitted_by", "service", "reference"], validate_unique=False, validate_constraints=False
    )
    return enquiry


# --- PCN support pause ---------------------------------------------------------


def pcn_support_pause_check(*, message: str, ends_on: date | None) -> None:
    """Raise ValidationError (keyed by field) if a pause cannot have this message and end date."""
    errors = {}
    if not message.strip():
        errors["message"] = "Write the message members will see, for example why support is paused."
    today = timezone.localdate()
    if ends_on is not None and ends_on < today:
        errors["ends_on"] = "The end date cannot be in the past. Leave it empty to resume support by hand."
    if errors:
        raise ValidationError(errors)


def pcn_support_pause(*, message: str, ends_on: date | None = None, by: User | None) -> PcnSupportPause:
    """Pause support to PCNs, or change the message and end date of the pause already on."""
    message = message.strip()
    pcn_support_pause_check(message=message, ends_on=ends_on)
    with transaction.atomic():
        pause = PcnSupportPause.objects.select_for_update().filter(active=True).first()
        if pause is None:
            pause = PcnSupportPause(started_at=timezone.now(), started_by=by)
        pause.message = message
        pause.ends_on = ends_on
        pause.full_clean()
        pause.save()
    return pause


def pcn_support_resume(*, by: User | None = None, now: datetime | None = None) -> int:
    """End the PCN pause and start the clock for every held enquiry from `now`.

    Each held enquiry becomes "received" with its due time counted from this
    moment, and its submitter is emailed. Return how many enquiries resumed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        pause = PcnSupportPause.objects.select_for_update().filter(active=True).first()
        if pause is not None:
            pause.active = False
            pause.resumed_at = now
            pause.resumed_by = by
            pause.save(update_fields=["active", "resumed_at", "resumed_by"])
        held = list(
            Enquiry.objects.select_for_update(of=("self",))
            .filter(status=Status.ON_HOLD)
            .select_related("submitted_by", "service")
            .order_by("submitted_at", "pk")
        )
        for enquiry in held:
            enquiry.status = Status.SUBMITTED
            enquiry.sla_started_at = now
            enquiry.first_contact_due_at = sla.first_contact_due(
                now, urgent=enquiry.urgent, targets=enquiry.service.targets
            )
            enquiry.full_clean()
            _save_with_history(enquiry, by=by, at=now)
            # Only to a sender who may still see it (the member selector's rule):
            # someone who has left the practice is not told about its enquiries.
            sender = enquiry.submitted_by
            if sender and sender.email and enquiry_list_for_member(user=sender).filter(pk=enquiry.pk).exists():
                email_queue(
                    to=[sender.email],
                    template="enquiries/email/support_resumed",
                    context={
                        "enquiry": enquiry,
                        "due_words": sla.describe_due(enquiry.first_contact_due_at, now=now),
                        "link": _member_link(enquiry),
                    },
                    dedupe_key=f"enquiry-resumed:{enquiry.pk}:{enquiry.sla_started_at.isoformat()}",
                )
    return len(held)


def pcn_support_resume_due(*, now: datetime | None = None) -> int:
    """Resume PCN support if the active pause's last day has passed; return how many enquiries resumed."""
    now = now or timezone.now()
    pause = pcn_support_pause_current()
    if pause is None or pause.ends_on is None or now.astimezone(sla.LONDON).date() <= pause.ends_on:
        return 0
    return pcn_support_resume(by=None, now=now)
