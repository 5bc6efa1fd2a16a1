"""First-contact SLA reminders, each sent once.

How "once" is kept, and why the reminder is composed with the email outbox
rather than given its own send/claim/retry machinery:

1. Render: each due reminder's email (recipient, subject, bodies) is
   rendered before any transaction, from the enquiries the selector read
   (with their officer's right to see them), so no template work and no
   per-reminder query runs while rows are locked.
2. Claim: for each batch of CLAIM_BATCH due reminders (of either kind), one
   durable transaction runs two statements: the outbox rows (dedupe key
   `reminder:<enquiry>:<kind>`) are inserted with INSERT ... ON CONFLICT
   DO NOTHING RETURNING, then the `Reminder` rows (unique per enquiry and
   kind) for exactly the emails that statement returned, the same way, and
   a third marks the batch's enquiries `breach_reminded` (the index the
   breached select reads holds only those still owed one). Two
   sweeps racing for a reminder both try the insert; the second waits for
   the first to commit and is told the row is not its own, so it neither
   records nor sends that reminder. A reminder therefore exists exactly when
   its email is queued: there is no state in which one is recorded without
   the other (an email whose reminder could not be inserted is removed again
   before the commit).
3. Send: after the claims have committed, the sweep delivers the emails it
   queued through the outbox (`emails_deliver`): claimed with one UPDATE per
   batch, sent over one SMTP connection, and marked sent in chunks
   (`mail.services.MARK_SENT_EVERY`).
4. Crash: a sweep killed between 2 and 3 leaves the emails pending; the
   outbox sweep (every minute) and the next SLA sweep send them at once. A
   sweep killed mid-send leaves its claimed emails "sending", taken over
   after the claim timeout. A worker killed outright after the SMTP server
   accepted some emails but before their chunk was marked sent causes those
   (at most MARK_SENT_EVERY) to be sent again: the outbox's documented
   trade-off of a bounded duplicate for a statement per email.
5. SMTP failure: the email goes back to pending with a backoff, up to
   MAX_ATTEMPTS, then "failed" in the admin for staff to see; the other
   emails of the batch are unaffected.

One retry mechanism, tested once, serves acknowledgements, reminders and
every other email; a second copy of it here would be a second place for it
to be wrong.

Statements per sweep, as Django counts them (BEGIN and COMMIT included):
two selects; BEGIN, two INSERTs, the flag's UPDATE (when the batch has a
breach) and COMMIT per CLAIM_BATCH reminders; then the outbox's one claim
per 100 and one mark-sent per 50. That is 27 for 500 due reminders of both
kinds, and the two selects, each an empty index range, when nothing is due.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lmcportal.db import insert_skipping_conflicts
from mail.services import EmailDraft, email_render, emails_deliver, emails_discard_unsent, emails_queue_new

from ..models import Enquiry, Reminder
from ..selectors.reminders import enquiries_breached_unreminded, enquiries_due_soon_unreminded
from ..selectors.visibility import enquiry_is_visible_to_staff

__all__ = ["ReminderSweep", "reminder_claim", "reminders_claim_batch", "reminder_recipient", "reminders_send_due"]

logger = logging.getLogger(__name__)

# Enough for any real day; a backlog larger than this is finished by the next sweep.
SWEEP_LIMIT = 500
# Reminders claimed per transaction (of either kind): BEGIN, two INSERTs, COMMIT.
CLAIM_BATCH = 250


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
    if kind == Reminder.Kind.DUE_SOON and officer is not None and officer.is_active and officer.email:
        # Read with the enquiry by the due-soon selector; asked here otherwise.
        may_see = getattr(enquiry, "officer_may_see", None)
        if may_see is None:
            may_see = enquiry_is_visible_to_staff(user=officer, enquiry=enquiry)
        if may_see:
            return officer.email
    return enquiry.service.inbox


def _reminder_email(reminder: Reminder) -> EmailDraft:
    enquiry, kind = reminder.enquiry, reminder.kind
    context = {
        "enquiry": enquiry,
        "due_at": timezone.localtime(reminder.first_contact_due_at),
        "admin_url": _admin_url(enquiry),
        "urgent_hours": enquiry.service.urgent_hours,
    }
    return EmailDraft(
        to=[reminder_recipient(enquiry=enquiry, kind=kind)],
        rendered=email_render(template=f"enquiries/email/reminder_{kind}", context=context),
        dedupe_key=_dedupe_key(enquiry_id=enquiry.pk, kind=kind),
    )


def _dedupe_key(*, enquiry_id: int, kind: str) -> str:
    return f"reminder:{enquiry_id}:{kind}"


def reminder_claim(*, enquiry: Enquiry, kind: str, now: datetime) -> Reminder | None:
    """Record and queue the `kind` reminder for `enquiry`; None if it was already claimed.

    Commits before returning (a durable transaction), so the caller may send
    the email straight away without risking a rollback after the send.
    """
    claimed = reminders_claim_batch(enquiries=[enquiry], kind=kind, now=now)
    return claimed[0] if claimed else None


def reminders_claim_batch(*, enquiries: list[Enquiry], kind: str, now: datetime) -> list[Reminder]:
    """Record and queue the `kind` reminders of `enquiries` in one durable transaction; return those claimed."""
    return _claim([(enquiry, kind) for enquiry in enquiries], now=now)


def _claim(due: Sequence[tuple[Enquiry, str]], *, now: datetime) -> list[Reminder]:
    """Record and queue these (enquiry, kind) reminders in one durable transaction; return those claimed.

    Emails are rendered first, outside the transaction. Inside it, two
    statements: the outbox rows, then the reminders, each an INSERT that
    skips what another sweep already holds. An enquiry on hold (no due
    moment) has nothing to be reminded of and is skipped.
    """
    candidates = [
        Reminder(enquiry=enquiry, kind=kind, first_contact_due_at=enquiry.first_contact_due_at, created_at=now)
        for enquiry, kind in due
        if enquiry.first_contact_due_at is not None
    ]
    if not candidates:
        return []
    drafts = [_reminder_email(reminder) for reminder in candidates]
    with transaction.atomic(durable=True):
        queued = emails_queue_new(drafts=drafts)
        for reminder, draft in zip(candidates, drafts, strict=True):
            reminder.email_id = queued.get(draft.dedupe_key)
        reminders = [reminder for reminder in candidates if reminder.email_id is not None]
        inserted = dict(
            insert_skipping_conflicts(
                reminders,
                fields=["enquiry", "kind", "first_contact_due_at", "email", "created_at"],
                conflict_fields=["enquiry", "kind"],
                returning=["email", "id"],
            )
        )
        # Every breach reminder of the batch is now recorded, by this sweep or
        # an earlier one: take them out of the sweep's index.
        breached = [reminder.enquiry_id for reminder in candidates if reminder.kind == Reminder.Kind.BREACHED]
        if breached:
            Enquiry.objects.filter(pk__in=breached, breach_reminded=False).update(breach_reminded=True)
        stray = [email_id for email_id in queued.values() if email_id not in inserted]
        if stray:
            # Cannot happen while every reminder is inserted with its email
            # (their keys are the same); if it did, the email must not go.
            logger.error("Reminder emails %s had a reminder already; removed before sending", stray)
            emails_discard_unsent(email_ids=stray)
    for reminder in reminders:
        reminder.pk = inserted.get(reminder.email_id)
        reminder._state.adding = reminder.pk is None
    return [reminder for reminder in reminders if reminder.pk is not None]


def reminders_send_due(*, now: datetime | None = None) -> ReminderSweep:
    """Claim and send every SLA reminder due at `now` that nobody has claimed yet.

    Run outside a transaction (the Celery task and the management command do).
    """
    now = now or timezone.now()
    due = [(enquiry, Reminder.Kind.BREACHED) for enquiry in enquiries_breached_unreminded(now=now)[:SWEEP_LIMIT]]
    due += [(enquiry, Reminder.Kind.DUE_SOON) for enquiry in enquiries_due_soon_unreminded(now=now)[:SWEEP_LIMIT]]
    claimed: list[Reminder] = []
    for start in range(0, len(due), CLAIM_BATCH):
        claimed += _claim(due[start : start + CLAIM_BATCH], now=now)
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
