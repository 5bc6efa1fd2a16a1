"""First-contact SLA reminders, each sent once.

How "once" is kept, and why the reminder is composed with the email outbox
rather than given its own send/claim/retry machinery:

1. Claim: for each batch of enquiries due a reminder, one durable transaction
   inserts each `Reminder` row (unique per enquiry and kind) and its
   `OutboundEmail` (dedupe key `reminder:<enquiry>:<kind>`). Two sweeps racing
   for the same reminder both try the insert; the database lets one commit and
   the other gets an IntegrityError, rolls its batch back and claims that
   batch one reminder at a time, skipping those already claimed. A reminder therefore exists exactly when its
   email is queued: there is no state in which one is recorded without the
   other.
2. Send: after the claim has committed, the sweep delivers the emails it
   claimed through the outbox (`emails_deliver`), which marks each one
   "sending" with a conditional UPDATE before talking to SMTP and "sent"
   afterwards.
3. Crash: a sweep killed between 1 and 2, or mid-send, leaves the email
   pending or "sending". The outbox sweep (every minute) and the next SLA
   sweep send pending emails at once and take over a "sending" claim after
   its claim timeout. A sent email is never claimed again.
4. SMTP failure: the email goes back to pending with a backoff, up to
   MAX_ATTEMPTS, then "failed" in the admin for staff to see.

One retry mechanism, tested once, serves acknowledgements, reminders and
every other email; a second copy of it here would be a second place for it
to be wrong.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mail.services import email_queue, emails_deliver

from ..models import Enquiry, Reminder
from ..selectors.reminders import enquiries_breached_unreminded, enquiries_due_soon_unreminded
from ..selectors.visibility import enquiry_is_visible_to_staff

__all__ = ["ReminderSweep", "reminder_claim", "reminders_claim_batch", "reminder_recipient", "reminders_send_due"]

logger = logging.getLogger(__name__)

# Enough for any real day; a backlog larger than this is finished by the next sweep.
SWEEP_LIMIT = 500
# Reminders claimed per transaction (one commit each, not one per reminder).
CLAIM_BATCH = 100


@dataclass(frozen=True)
class ReminderSweep:
    """What one sweep did: reminders sent now, and claimed ones left to the outbox's retries."""

    due_soon: int = 0
    breached: int = 0
    waiting: int = 0

    @property
    def sent(self) -> int:
        return self.due_soon + self.breached


def reminder_recipient(*, enquiry: Enquiry, kind: str) -> str:
    """Return who gets a reminder: the assigned officer for due-soon, otherwise the service's inbox.

    An officer who may no longer see the enquiry (a conflict of interest that
    arose after assignment, say a new membership there, or a restriction
    without them) is never reminded about it: the service's inbox is, instead
    (`SupportService.inbox`: its reminder email, or LMC_TRIAGE_EMAIL).
    """
    officer = enquiry.assigned_to
    if (
        kind == Reminder.Kind.DUE_SOON
        and officer is not None
        and officer.is_active
        and officer.email
        and enquiry_is_visible_to_staff(user=officer, enquiry=enquiry)
    ):
        return officer.email
    return enquiry.service.inbox


def _reminder_record(*, enquiry: Enquiry, kind: str, now: datetime) -> Reminder | None:
    """Queue the reminder's email and insert its `Reminder`, in the caller's transaction.

    Raise IntegrityError if another sweep has claimed it: the (enquiry, kind)
    constraint is the database's to enforce (a query first would only race
    with the other sweep).
    """
    due_at = enquiry.first_contact_due_at
    if due_at is None:  # on hold: nothing is due, so nothing to remind about
        return None
    context = {
        "enquiry": enquiry,
        "due_at": timezone.localtime(due_at),
        "admin_url": _admin_url(enquiry),
        "urgent_hours": enquiry.service.urgent_hours,
    }
    email = email_queue(
        to=[reminder_recipient(enquiry=enquiry, kind=kind)],
        template=f"enquiries/email/reminder_{kind}",
        context=context,
        dedupe_key=f"reminder:{enquiry.pk}:{kind}",
        deliver_on_commit=False,
    )
    reminder = Reminder(
        enquiry=enquiry, kind=kind, first_contact_due_at=due_at, email=email, created_at=now
    )
    reminder.full_clean(validate_unique=False, validate_constraints=False)
    reminder.save()
    return reminder


def reminder_claim(*, enquiry: Enquiry, kind: str, now: datetime) -> Reminder | None:
    """Record and queue the `kind` reminder for `enquiry`; None if it was already claimed.

    Commits before returning (a durable transaction), so the caller may send
    the email straight away without risking a rollback after the send.
    """
    try:
        with transaction.atomic(durable=True):
            return _reminder_record(enquiry=enquiry, kind=kind, now=now)
    except IntegrityError:
        return None


def reminders_claim_batch(*, enquiries: list[Enquiry], kind: str, now: datetime) -> list[Reminder]:
    """Record and queue the `kind` reminders of `enquiries` in one durable transaction (one commit).

    If another sweep claimed any of them meanwhile, the whole batch rolls
    back and they are claimed one by one (`reminder_claim`), each once.
    """
    if not enquiries:
        return []
    try:
        with transaction.atomic(durable=True):
            recorded = (_reminder_record(enquiry=enquiry, kind=kind, now=now) for enquiry in enquiries)
            return [reminder for reminder in recorded if reminder is not None]
    except IntegrityError:
        claimed = (reminder_claim(enquiry=enquiry, kind=kind, now=now) for enquiry in enquiries)
        return [reminder for reminder in claimed if reminder is not None]


def reminders_send_due(*, now: datetime | None = None) -> ReminderSweep:
    """Claim and send every SLA reminder due at `now` that nobody has claimed yet.

    Run outside a transaction (the Celery task and the management command do).
    """
    now = now or timezone.now()
    claimed: list[Reminder] = []
    for kind, due in (
        (Reminder.Kind.BREACHED, enquiries_breached_unreminded(now=now)),
        (Reminder.Kind.DUE_SOON, enquiries_due_soon_unreminded(now=now)),
    ):
        enquiries = list(due[:SWEEP_LIMIT])
        for start in range(0, len(enquiries), CLAIM_BATCH):
            claimed += reminders_claim_batch(enquiries=enquiries[start : start + CLAIM_BATCH], kind=kind, now=now)
    sent_ids = set(emails_deliver(email_ids=[r.email_id for r in claimed if r.email_id is not None]))
    sent_kinds = [reminder.kind for reminder in claimed if reminder.email_id in sent_ids]
    sweep = ReminderSweep(
        due_soon=sent_kinds.count(Reminder.Kind.DUE_SOON),
        breached=sent_kinds.count(Reminder.Kind.BREACHED),
        waiting=len(claimed) - len(sent_kinds),
    )
    if claimed:
        logger.info("SLA reminder sweep: %s", sweep)
    return sweep


def _admin_url(enquiry: Enquiry) -> str:
    # Built by hand: the admin's URL pattern is stable and this keeps the
    # email independent of whether the triage admin is registered.
    return f"{settings.SITE_URL.rstrip('/')}/{settings.LMC_ADMIN_PATH}enquiries/enquiry/{enquiry.pk}/change/"
