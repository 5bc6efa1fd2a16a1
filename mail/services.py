"""Queue and deliver email through the outbox table (see models.OutboundEmail).

Delivery guarantees, in the words an on-call engineer needs:

- Queued means kept: `email_queue` writes the row in the caller's
  transaction, so an email exists exactly when the change that caused it
  does. Handing it to Celery happens after commit and may fail (broker down);
  the outbox sweep (`emails_deliver_due`, every minute on beat) sends it then.
- One sender at a time: `emails_deliver` claims a batch of rows with a single
  conditional UPDATE ... RETURNING (pending and due -> sending), which is
  atomic on PostgreSQL and SQLite alike, so two workers never both send one.
  Each claimed email is then sent over one SMTP conversation.
- A crashed sender is taken over: a claim older than claim_timeout() (the
  setting EMAIL_CLAIM_TIMEOUT_SECONDS, 10 minutes by default) is due
  again. The attempt is counted when claimed, so an email whose sending kills
  the worker every time still ends as "failed" after MAX_ATTEMPTS instead of
  looping for ever. Emails claimed but not yet tried when a sweep stops early
  (the SMTP server is down) are handed back at once, their attempt uncounted.
- Sent is final: a row marked sent is never claimed again. Emails are marked
  sent in chunks of MARK_SENT_EVERY (one UPDATE each, and whatever is left
  when the sweep ends or stops on an error), not one by one: that is what
  keeps a sweep's statements growing with batches rather than with emails.
  A worker killed outright (SIGKILL, the OOM killer, Celery's hard time
  limit) after the SMTP server accepted some emails of a chunk, but before
  the chunk was marked, leaves them "sending". So that whoever takes them
  over after the claim timeout does not send them again, each acceptance is
  first written to the shared cache (Redis in production: one SET, no SQL
  statement; see `_note_accepted`; a delivery of up to MARK_EACH_UP_TO emails,
  such as a submission's acknowledgement and triage notice, marks each one
  straight after the server takes it and needs none), and a taken-over email found there is
  marked sent without being sent. The window left is the one there always
  was: a kill between the server's "250 OK" and that SET sends that one
  email twice. Without a shared cache (the in-process default of `make
  run`) or if Redis has lost the note, up to MARK_SENT_EVERY emails can go
  twice after a kill. We prefer a bounded duplicate to losing an email.
- Sign-in links stay secret: an email queued with `secret=True` (an
  invitation, a password reset, an address confirmation) is never shown to
  staff, and its body is removed as soon as it is sent or given up on, so
  nobody can later read a working link out of the outbox.
- SMTP failures are retried with exponential backoff (1, 2, 4 ... 60 minutes);
  after MAX_ATTEMPTS the row is "failed", logged as an error and listed in the
  admin for staff to retry: never silently dropped.
- A permanent refusal of the email itself (a 5xx answer to its recipients or
  its content, such as "550 no such user") is "failed" at once, with the
  server's reason for staff: sending it again would only be refused again.
"""

import logging
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from lmcportal.db import insert_skipping_conflicts
from members.client_ip import client_ip

from .models import SECRET_BODY_REMOVED, OutboundEmail, OutboundEmailAccess

__all__ = [
    "MAX_ATTEMPTS",
    "MARK_EACH_UP_TO",
    "MARK_SENT_EVERY",
    "EmailDraft",
    "RenderedEmail",
    "claim_timeout",
    "email_deliver",
    "email_queue",
    "email_queue_message",
    "email_render",
    "emails_discard_unsent",
    "emails_queue_new",
    "emails_queue_rendered",
    "email_retry",
    "outbound_email_access_record",
    "emails_deliver",
    "emails_deliver_due",
    "outbox_counts",
    "retry_delay",
]

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
# A sweep that meets this many failures in a row stops: the SMTP server is
# down, and hammering it for every queued email would only make the sweep
# outlive its time limit. The rest wait for the next sweep.
SWEEP_FAILURE_LIMIT = 3
# Emails claimed with one UPDATE.
DELIVERY_BATCH = 100
# Sent emails are marked sent with one UPDATE per this many: the most that a
# worker killed outright can leave to be sent twice (see the docstring).
MARK_SENT_EVERY = 50
# A delivery this small marks each email sent as soon as the server takes it:
# one UPDATE each, and no note in the cache, whose write (when Redis is the
# thing going down) would only widen the gap between "250 OK" and the mark.
MARK_EACH_UP_TO = 5
# What a secret email keeps once it is sent or given up on: not its link.
_SECRET_REMOVED = {"body_text": SECRET_BODY_REMOVED, "body_html": "", "attachments": []}


def claim_timeout() -> timedelta:
    """Return how old a "sending" claim must be before we take it to belong to a dead worker.

    Longer than EMAIL_TIMEOUT plus a slow SMTP conversation, so a live sender
    is never overtaken.
    """
    return timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait after `attempts` failed attempts (1, 2, 4 ... 60 minutes)."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _render_plain_text(name: str, context: dict) -> str:
    """Render a plain-text template without HTML escaping (O'Brien stays O'Brien)."""
    return Engine.get_default().get_template(name).render(Context(context, autoescape=False))


@dataclass(frozen=True)
class RenderedEmail:
    """An email's subject and bodies, rendered from its templates."""

    subject: str
    body_text: str
    body_html: str = ""

    def replace(self, old: str, new: str) -> "RenderedEmail":
        """Return a copy with `old` replaced by `new` everywhere (a placeholder filled in once known)."""
        return RenderedEmail(
            subject=self.subject.replace(old, new),
            body_text=self.body_text.replace(old, new),
            body_html=self.body_html.replace(old, new),
        )


@dataclass(frozen=True)
class EmailDraft:
    """A rendered email to queue, with the dedupe key that makes queuing it twice a no-op."""

    to: list[str]
    rendered: RenderedEmail
    dedupe_key: str


def email_render(*, template: str, context: dict) -> RenderedEmail:
    """Render `<template>_subject.txt`, `<template>.txt` and, if it exists, `<template>.html`.

    Call it before a transaction to keep template work out of it; the
    subject is folded onto one line.
    """
    context = {"lmc_name": settings.LMC_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(_render_plain_text(f"{template}_subject.txt", context).split())
    body_text = _render_plain_text(f"{template}.txt", context)
    body_html: str
    try:
        body_html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        body_html = ""
    return RenderedEmail(subject=subject, body_text=body_text, body_html=body_html)


def email_queue(
    *,
    to: Iterable[str],
    template: str,
    context: dict,
    attachments: Iterable[dict] = (),
    dedupe_key: str | None = None,
    deliver_on_commit: bool = True,
    secret: bool = False,
) -> OutboundEmail:
    """Write an email to the outbox and deliver it once the transaction commits.

    `template` names `<template>_subject.txt`, `<template>.txt` and optionally
    `<template>.html`. With a `dedupe_key` already used, return the existing
    email instead of queuing a second one. With `deliver_on_commit=False` the
    caller delivers it itself (`email_deliver`); the outbox sweep is the
    safety net either way. Pass `secret=True` for any email that carries a
    sign-in or set-password link.
    """
    rendered = email_render(template=template, context=context)
    return _queue(
        to=list(to),
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        attachments=list(attachments),
        dedupe_key=dedupe_key,
        deliver_on_commit=deliver_on_commit,
        secret=secret,
    )


def emails_queue_rendered(*, drafts: Sequence[EmailDraft]) -> list[OutboundEmail]:
    """Write rendered drafts to the outbox in one INSERT; deliver each once committed.

    For the emails of something made in this transaction, whose dedupe keys
    are new by construction: a repeated key is an IntegrityError here (the
    caller's transaction fails), not the email already queued as with
    `email_queue` (or skipped, as with `emails_queue_new`).
    """
    rows = OutboundEmail.objects.bulk_create(_draft_rows(drafts))
    for row in rows:
        _after_queue(row, deliver_on_commit=False)
    # One task for them all: one message to the broker, one SMTP conversation.
    email_ids = [row.pk for row in rows if row.to]
    if email_ids:
        transaction.on_commit(lambda: _enqueue_delivery(*email_ids), robust=True)
    return rows


def email_queue_message(
    *, message: EmailMultiAlternatives, dedupe_key: str | None = None, secret: bool = False
) -> OutboundEmail:
    """Queue an already rendered message (used for allauth's own emails)."""
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    return _queue(
        to=list(message.to),
        subject=message.subject,
        body_text=message.body,
        body_html=html,
        attachments=[],
        dedupe_key=dedupe_key,
        deliver_on_commit=True,
        secret=secret,
    )


def _queue(
    *, to, subject, body_text, body_html, attachments, dedupe_key, deliver_on_commit, secret
) -> OutboundEmail:
    # A repeated `dedupe_key` meets the unique constraint below and gets the
    # email already queued: no look-up first, which would cost every email a
    # statement for the rare repeat.
    if secret and not to:
        body_text, body_html, attachments = SECRET_BODY_REMOVED, "", []
    email = _new_email(
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
        dedupe_key=dedupe_key,
        secret=secret,
    )
    try:
        with transaction.atomic():
            email.save(force_insert=True)
    except IntegrityError:
        if not dedupe_key:
            raise
        # Queued before, by this process or another.
        return OutboundEmail.objects.get(dedupe_key=dedupe_key)
    _after_queue(email, deliver_on_commit=deliver_on_commit)
    return email


def _after_queue(email: OutboundEmail, *, deliver_on_commit: bool) -> None:
    if not email.to:
        logger.error("Email %s (%r) has no recipient; marked failed for staff to see", email.pk, email.subject)
    elif deliver_on_commit:
        # robust: even if something slips past _enqueue_delivery's own guard,
        # the caller's request has already committed and must not fail now.
        email_id = email.pk
        transaction.on_commit(lambda: _enqueue_delivery(email_id), robust=True)


def _new_email(*, to, subject, body_text, body_html, attachments, dedupe_key, secret) -> OutboundEmail:
    return OutboundEmail(
        to=to,
        subject=subject[:255],
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
        dedupe_key=dedupe_key,
        secret=secret,
        next_attempt_at=timezone.now(),
        # Nobody to send to (say, a practice with no manager on file):
        # keep it where staff will see it rather than "send" it to no one.
        status=OutboundEmail.Status.PENDING if to else OutboundEmail.Status.FAILED,
        last_error="" if to else "No recipient address.",
    )


_QUEUED_FIELDS = (
    "to", "subject", "body_text", "body_html", "attachments", "dedupe_key", "secret", "status", "attempts",
    "last_error", "created_at", "next_attempt_at",
)  # fmt: skip


def _draft_rows(drafts: Sequence[EmailDraft]) -> list[OutboundEmail]:
    return [
        _new_email(
            to=list(draft.to),
            subject=draft.rendered.subject,
            body_text=draft.rendered.body_text,
            body_html=draft.rendered.body_html,
            attachments=[],
            dedupe_key=draft.dedupe_key,
            secret=False,
        )
        for draft in drafts
    ]


def emails_queue_new(*, drafts: Sequence[EmailDraft]) -> dict[str, int]:
    """Queue each draft whose dedupe key is new, in the caller's transaction; return {dedupe_key: id} of those.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING for the lot: a key
    queued before, or by a concurrent transaction that commits, is skipped
    and left out of the answer, so the caller knows exactly which emails it
    queued (its claim). Nothing is handed to Celery: the caller delivers them
    (`emails_deliver`) after its commit, and the outbox sweep is the safety net.
    """
    if not drafts:
        return {}
    emails = _draft_rows(drafts)
    queued = dict(
        insert_skipping_conflicts(
            emails, fields=_QUEUED_FIELDS, conflict_fields=["dedupe_key"], returning=["dedupe_key", "id"]
        )
    )
    for email in emails:
        if not email.to and email.dedupe_key in queued:
            logger.error(
                "Email %s (%r) has no recipient; marked failed for staff to see", queued[email.dedupe_key], email.subject
            )
    return queued


def emails_discard_unsent(*, email_ids: Sequence[int]) -> None:
    """Take back emails the caller queued in its own, still open, transaction (never tried, never seen by staff).

    Only for undoing an insert before the commit: the outbox otherwise keeps
    every email it was given, as the record that it was promised.
    """
    OutboundEmail.objects.filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING, attempts=0).delete()


def _enqueue_delivery(*email_ids: int) -> None:
    from .tasks import deliver_email, deliver_emails

    try:
        if len(email_ids) == 1:
            deliver_email.delay(email_ids[0])
        else:
            deliver_emails.delay(list(email_ids))
    except Exception:  # the broker is down: the outbox sweep sends them later
        logger.warning("Could not queue emails %s; the outbox sweep will send them", email_ids, exc_info=True)


def _due_filter(now: datetime) -> Q:
    return Q(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - claim_timeout()
    )


def _claim(*, email_ids: Sequence[int], now: datetime) -> list[OutboundEmail]:
    """Mark those of `email_ids` that are due as being sent by us, and return them (in the order asked).

    One UPDATE ... RETURNING over a sub-select of the due rows (the rule is
    `_due_filter`'s, compiled by the ORM). On PostgreSQL the sub-select locks
    them in id order and skips rows another worker's claim holds (FOR UPDATE
    SKIP LOCKED): two workers never both claim a row, never wait on each
    other and never deadlock; a row changed meanwhile is re-checked against
    the due rule before it is taken. SQLite, which locks the whole database
    for a write, runs the same statement without the locking clause.
    """
    if not email_ids:
        return []
    due = OutboundEmail.objects.filter(_due_filter(now), pk__in=email_ids).order_by("pk").values("pk")
    select, select_params = due.query.sql_with_params()
    connection = transaction.get_connection()
    if connection.features.has_select_for_update_skip_locked:
        select += " FOR UPDATE SKIP LOCKED"
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in OutboundEmail._meta.concrete_fields)
    sql = (
        f"UPDATE {quote(OutboundEmail._meta.db_table)} SET status = %s, claimed_at = %s, attempts = attempts + 1 "
        f"WHERE {quote(OutboundEmail._meta.pk.column)} IN ({select}) RETURNING {columns}"
    )
    params = [OutboundEmail.Status.SENDING, connection.ops.adapt_datetimefield_value(now), *select_params]
    claimed = {email.pk: email for email in OutboundEmail.objects.raw(sql, params)}
    return [claimed[email_id] for email_id in email_ids if email_id in claimed]


def _release(emails: Sequence[OutboundEmail]) -> None:
    """Hand back claimed emails that were never tried: due again at once, the attempt not counted."""
    if emails:
        OutboundEmail.objects.filter(pk__in=[email.pk for email in emails], status=OutboundEmail.Status.SENDING).update(
            status=OutboundEmail.Status.PENDING, claimed_at=None, attempts=F("attempts") - 1
        )


def _mark_sent(emails: Sequence[OutboundEmail]) -> None:
    """Mark these emails sent: one UPDATE (two if some carry a sign-in link, whose body goes now)."""
    now = timezone.now()
    for secret in (False, True):
        ids = [email.pk for email in emails if email.secret is secret]
        if ids:
            OutboundEmail.objects.filter(pk__in=ids).update(
                status=OutboundEmail.Status.SENT,
                sent_at=now,
                claimed_at=None,
                last_error="",
                **(_SECRET_REMOVED if secret else {}),
            )


def _build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment.get("mimetype"))
    return message


def email_deliver(*, email_id: int) -> bool:
    """Send one outbox email if it is due and nobody else is sending it.

    Return True if this call sent it. On failure the email goes back to
    pending with a backoff (or to failed after MAX_ATTEMPTS) and False is
    returned: a task calling this never raises for an SMTP problem.
    """
    return emails_deliver(email_ids=[email_id]) == [email_id]


class _Delivery:
    """One sweep's SMTP conversation: sends claimed emails and keeps count of what must be marked."""

    def __init__(self, *, emails: int) -> None:
        # A small delivery marks each email sent straight after the server
        # takes it: a note would only widen that gap (and when Redis is the
        # thing going down, each failed note costs a connection attempt).
        self.mark_every = 1 if emails <= MARK_EACH_UP_TO else MARK_SENT_EVERY
        self.note_accepted = self.mark_every > 1
        self.connection = get_connection()
        self.sent: list[int] = []
        self.unmarked: list[OutboundEmail] = []
        self.failures_in_a_row = 0

    def send(self, emails: Sequence[OutboundEmail]) -> bool:
        """Send `emails` (claimed by us) one by one; return False if the sweep should stop.

        Stops after SWEEP_FAILURE_LIMIT failures in a row (the SMTP server is
        down) and hands the emails not yet tried back to the queue.
        """
        accepted_before = _accepted_earlier(emails)
        for position, email in enumerate(emails):
            if email.pk in accepted_before:
                # Its worker was killed after the server took it: record it, don't send it again.
                logger.info("Email %s was accepted by the mail server before its worker stopped; marked sent", email.pk)
                self._remember_sent(email)
                continue
            if self._send_one(email):
                self.failures_in_a_row = 0
            else:
                self.failures_in_a_row += 1
                if self.failures_in_a_row >= SWEEP_FAILURE_LIMIT:
                    logger.warning(
                        "Stopping after %s failed emails in a row; the next sweep retries", self.failures_in_a_row
                    )
                    _release(emails[position + 1 :])
                    return False
        return True

    def _send_one(self, email: OutboundEmail) -> bool:
        if email.attempts > MAX_ATTEMPTS:
            # Every attempt so far died with its worker (the claim timed out
            # each time): stop, and let staff look.
            _record_failure(email, "The worker sending this email stopped part-way too many times.")
            return False
        try:
            message = _build_message(email)
            message.connection = _opened(self.connection)
            message.send()
        except Exception as exc:
            self.connection.close()  # maybe broken: the next email opens a fresh one
            permanent = _refused_for_good(exc)
            if permanent:
                _record_failure(email, f"The mail server refused this email for good ({permanent}). "
                                       "Check the address; correct it and send the email again.", permanent=True)  # fmt: skip
            else:
                _record_failure(email, f"{type(exc).__name__}: {exc}")
            return False
        if self.note_accepted:
            _note_accepted(email)
        self.sent.append(email.pk)
        self._remember_sent(email)
        return True

    def _remember_sent(self, email: OutboundEmail) -> None:
        self.unmarked.append(email)
        if len(self.unmarked) >= self.mark_every:
            self.mark()

    def mark(self) -> None:
        """Record as sent what the SMTP server has accepted since the last mark."""
        unmarked, self.unmarked = self.unmarked, []
        if unmarked:
            _mark_sent(unmarked)


# How long a note that the SMTP server accepted an email is kept: far longer
# than any claim timeout, so the note outlives a killed worker's claim.
ACCEPTED_NOTE_SECONDS = 24 * 60 * 60


def _accepted_key(email: OutboundEmail) -> str:
    # The creation moment as well as the id: a restored or recreated database
    # that reuses an id never inherits an old note.
    return f"mail:accepted:{email.pk}:{email.created_at.timestamp():.6f}"


def _note_accepted(email: OutboundEmail) -> None:
    """Note in the shared cache that the SMTP server has accepted `email` (before it is marked sent)."""
    try:
        cache.set(_accepted_key(email), 1, timeout=ACCEPTED_NOTE_SECONDS)
    except Exception:  # the cache is a safety net here; a missing note costs at most a duplicate
        logger.warning("Could not note that email %s was accepted", email.pk, exc_info=True)


def _accepted_earlier(emails: Sequence[OutboundEmail]) -> set[int]:
    """Return the ids of those `emails`, taken over from a stopped worker, that the SMTP server had already accepted.

    Only an email on its second attempt or later can have been accepted
    before (one cache read per batch, and none in the usual case).
    """
    retried = {_accepted_key(email): email.pk for email in emails if email.attempts > 1}
    if not retried:
        return set()
    try:
        noted = cache.get_many(list(retried))
    except Exception:
        logger.warning("Could not read which emails were already accepted", exc_info=True)
        return set()
    return {retried[key] for key in noted}


def _refused_for_good(exc: Exception) -> str:
    """Return the server's reason when it refused this email's recipients or content with a 5xx; else "".

    A 5xx to the sender or to logging in is about our settings, not this
    email: those are retried like any other failure until someone fixes them.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        answers = {address: _smtp_text(code, text) for address, (code, text) in exc.recipients.items()}
        if all(500 <= code < 600 for code, _ in exc.recipients.values()):
            return "; ".join(f"{address}: {answer}" for address, answer in answers.items())
    if isinstance(exc, smtplib.SMTPDataError) and 500 <= exc.smtp_code < 600:
        return _smtp_text(exc.smtp_code, exc.smtp_error)
    return ""


def _smtp_text(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"


def _record_failure(email: OutboundEmail, error: str, *, permanent: bool = False) -> None:
    gave_up = permanent or email.attempts >= MAX_ATTEMPTS
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.FAILED if gave_up else OutboundEmail.Status.PENDING,
        last_error=error[:2000],
        next_attempt_at=timezone.now() + retry_delay(email.attempts),
        claimed_at=None,
        **(_SECRET_REMOVED if gave_up and email.secret else {}),
    )
    if gave_up:
        logger.error(
            "Gave up sending email %s (%r to %s) after %s attempt(s): %s",
            email.pk,
            email.subject,
            ", ".join(email.to),
            email.attempts,
            error,
        )
    else:
        logger.warning("Sending email %s failed (attempt %s), will retry: %s", email.pk, email.attempts, error)


def _in_test_transaction() -> bool:
    """True inside a pytest-django/TestCase wrapper transaction, which never commits."""
    connection = transaction.get_connection()
    return bool(connection.atomic_blocks) and all(
        getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    )


def emails_deliver_due(*, limit: int = 500) -> int:
    """Send every outbox email that is due (including retries); return how many were sent."""
    ids = list(
        OutboundEmail.objects.filter(_due_filter(timezone.now()))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return len(emails_deliver(email_ids=ids))


def emails_deliver(*, email_ids: Iterable[int]) -> list[int]:
    """Send these outbox emails where due, over one SMTP conversation; return the ids this call sent.

    Claims DELIVERY_BATCH at a time with one UPDATE, marks them sent
    MARK_SENT_EVERY at a time (see the module docstring for the window that
    leaves after a worker is killed outright), and stops early after
    SWEEP_FAILURE_LIMIT failures in a row (the SMTP server is down); the rest
    stay pending for the next sweep. Whatever the SMTP server accepted is
    marked sent before this returns or raises.
    """
    if transaction.get_connection().in_atomic_block and not _in_test_transaction():
        # Our claim must be committed before the SMTP conversation, or a
        # rollback after sending would let the email be sent again.
        raise RuntimeError("email_deliver must run outside a transaction; use email_queue inside one.")
    email_ids = list(dict.fromkeys(email_ids))
    if not email_ids:
        return []
    delivery = _Delivery(emails=len(email_ids))
    try:
        for start in range(0, len(email_ids), DELIVERY_BATCH):
            claimed = _claim(email_ids=email_ids[start : start + DELIVERY_BATCH], now=timezone.now())
            if not delivery.send(claimed):
                break
    finally:
        try:
            delivery.mark()
        finally:
            delivery.connection.close()
    return delivery.sent


def _opened(connection):
    """Return `connection` opened if it can be; if not, each send tries (and fails) on its own, as before."""
    try:
        connection.open()
    except Exception:
        logger.warning("Could not open the mail connection; each email will try on its own", exc_info=True)
    return connection


def email_retry(*, email: OutboundEmail) -> bool:
    """Put a failed email back in the queue with a fresh set of attempts (staff action).

    Return False, and change nothing, for a secret email that has failed for
    good: its link was removed, so the person must ask for a new one.
    """
    retried = (
        OutboundEmail.objects.filter(pk=email.pk)
        .exclude(status=OutboundEmail.Status.SENT)
        .exclude(secret=True, status=OutboundEmail.Status.FAILED)
        .update(status=OutboundEmail.Status.PENDING, next_attempt_at=timezone.now(), claimed_at=None, attempts=0)
    )
    if retried:
        transaction.on_commit(lambda: _enqueue_delivery(email.pk), robust=True)
    return bool(retried)


def outbound_email_access_record(*, email: OutboundEmail, user, request=None) -> OutboundEmailAccess:
    """Record that staff member `user` opened `email` in the admin."""
    return OutboundEmailAccess.objects.create(email=email, user=user, ip_address=client_ip(request))


def outbox_counts() -> dict[str, int]:
    """Return how many outbox emails are in each status (for the command and monitoring)."""
    counts = dict.fromkeys(OutboundEmail.Status.values, 0)
    for row in OutboundEmail.objects.values("status").order_by().annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts
