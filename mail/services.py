"""Queue and deliver email through the outbox table (see models.OutboundEmail).

Delivery guarantees, in the words an on-call engineer needs:

- Queued means kept: `email_queue` writes the row in the caller's
  transaction, so an email exists exactly when the change that caused it
  does. Handing it to Celery happens after commit and may fail (broker down);
  the outbox sweep (`emails_deliver_due`, every minute on beat) sends it then.
- One sender at a time: `email_deliver` claims a row with a single conditional
  UPDATE (pending and due -> sending), which is atomic on PostgreSQL and
  SQLite alike, so two workers never both send it.
- A crashed sender is taken over: a claim older than claim_timeout() (the
  setting EMAIL_CLAIM_TIMEOUT_SECONDS, 10 minutes by default) is due
  again. The attempt is counted when claimed, so an email whose sending kills
  the worker every time still ends as "failed" after MAX_ATTEMPTS instead of
  looping for ever.
- Sent is final: a row marked sent is never claimed again. The one window in
  which a message can go out twice is a worker killed after the SMTP server
  accepted it but before the row was marked sent; we prefer that to losing it.
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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from members.client_ip import client_ip

from .models import SECRET_BODY_REMOVED, OutboundEmail, OutboundEmailAccess

__all__ = [
    "MAX_ATTEMPTS",
    "claim_timeout",
    "email_deliver",
    "email_queue",
    "email_queue_message",
    "emails_queue_rendered",
    "email_render",
    "RenderedEmail",
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


@dataclass(frozen=True)
class RenderedEmail:
    """An email's subject and bodies, rendered and not yet queued."""

    subject: str
    body_text: str
    body_html: str

    def replace(self, old: str, new: str) -> "RenderedEmail":
        """Return a copy with `old` replaced by `new` everywhere (a placeholder filled in once known)."""
        return RenderedEmail(
            subject=self.subject.replace(old, new),
            body_text=self.body_text.replace(old, new),
            body_html=self.body_html.replace(old, new),
        )


def email_render(*, template: str, context: dict) -> RenderedEmail:
    """Render `<template>_subject.txt`, `<template>.txt` and optionally `<template>.html` (see email_queue).

    For a caller that renders before its transaction, so the rendering is
    not done while it holds locks; queue the result with `email_queue_rendered`.
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


def emails_queue_rendered(*, emails: Iterable[tuple[list[str], RenderedEmail, str]]) -> list[OutboundEmail]:
    """Write emails rendered by `email_render` to the outbox in one INSERT; deliver each once committed.

    Each is (to, email, dedupe_key). For the emails of something made in this
    transaction, whose dedupe keys are new by construction: a repeated key is
    an IntegrityError here (the caller's transaction fails), not the email
    already queued as with `email_queue`.
    """
    rows = OutboundEmail.objects.bulk_create(
        [_outbox_row(to=list(to), subject=email.subject, body_text=email.body_text, body_html=email.body_html,
                     attachments=[], dedupe_key=key, secret=False) for to, email, key in emails]
    )
    for row in rows:
        _after_queue(row, deliver_on_commit=True)
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
    try:
        with transaction.atomic():
            email = _outbox_row(
                to=to, subject=subject, body_text=body_text, body_html=body_html,
                attachments=attachments, dedupe_key=dedupe_key, secret=secret,
            )
            email.save(force_insert=True)
    except IntegrityError:
        if not dedupe_key:
            raise
        # Queued before, by this process or another.
        return OutboundEmail.objects.get(dedupe_key=dedupe_key)
    _after_queue(email, deliver_on_commit=deliver_on_commit)
    return email


def _outbox_row(*, to, subject, body_text, body_html, attachments, dedupe_key, secret) -> OutboundEmail:
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


def _after_queue(email: OutboundEmail, *, deliver_on_commit: bool) -> None:
    if not email.to:
        logger.error("Email %s (%r) has no recipient; marked failed for staff to see", email.pk, email.subject)
    elif deliver_on_commit:
        # robust: even if something slips past _enqueue_delivery's own guard,
        # the caller's request has already committed and must not fail now.
        email_id = email.pk
        transaction.on_commit(lambda: _enqueue_delivery(email_id), robust=True)


def _enqueue_delivery(email_id: int) -> None:
    from .tasks import deliver_email

    try:
        deliver_email.delay(email_id)
    except Exception:  # the broker is down: the outbox sweep sends it later
        logger.warning("Could not queue email %s; the outbox sweep will send it", email_id, exc_info=True)


def _due_filter(now: datetime) -> Q:
    return Q(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - claim_timeout()
    )


def _claim(*, email_id: int, now: datetime) -> OutboundEmail | None:
    """Mark one due email as being sent by us; None if it is not due or someone else has it.

    One UPDATE with the due condition in its WHERE clause: whichever worker's
    UPDATE runs first changes the row, the other's matches nothing.
    """
    claimed = (
        OutboundEmail.objects.filter(pk=email_id)
        .filter(_due_filter(now))
        .update(status=OutboundEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    return OutboundEmail.objects.get(pk=email_id)


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
    return _deliver(email_id=email_id) == _SENT


_SENT, _FAILED, _SKIPPED = "sent", "failed", "skipped"


def _deliver(*, email_id: int, connection=None) -> str:
    if transaction.get_connection().in_atomic_block and not _in_test_transaction():
        # Our claim must be committed before the SMTP conversation, or a
        # rollback after sending would let the email be sent again.
        raise RuntimeError("email_deliver must run outside a transaction; use email_queue inside one.")
    email = _claim(email_id=email_id, now=timezone.now())
    if email is None:
        return _SKIPPED
    if email.attempts > MAX_ATTEMPTS:
        # Every attempt so far died with its worker (the claim timed out each
        # time): stop, and let staff look.
        _record_failure(email, "The worker sending this email stopped part-way too many times.")
        return _FAILED
    try:
        message = _build_message(email)
        message.connection = connection  # None: a connection of its own
        message.send()
    except Exception as exc:
        if connection is not None:
            connection.close()  # maybe broken: the next email opens a fresh one
        permanent = _refused_for_good(exc)
        if permanent:
            _record_failure(email, f"The mail server refused this email for good ({permanent}). "
                                   "Check the address; correct it and send the email again.", permanent=True)  # fmt: skip
        else:
            _record_failure(email, f"{type(exc).__name__}: {exc}")
        return _FAILED
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        claimed_at=None,
        last_error="",
        **(_SECRET_REMOVED if email.secret else {}),
    )
    return _SENT


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
    """Send these outbox emails where due, one by one; return the ids this call sent.

    Stops early after SWEEP_FAILURE_LIMIT failures in a row (the SMTP server
    is down); the rest stay pending for the next sweep.
    """
    email_ids = list(email_ids)
    sent: list[int] = []
    if not email_ids:
        return sent
    failures_in_a_row = 0
    # One SMTP conversation for the lot, opened on the first send (and again
    # after a failure), closed at the end.
    connection = get_connection()
    try:
        for email_id in email_ids:
            outcome = _deliver(email_id=email_id, connection=_opened(connection))
            if outcome == _SENT:
                sent.append(email_id)
                failures_in_a_row = 0
            elif outcome == _FAILED:
                failures_in_a_row += 1
                if failures_in_a_row >= SWEEP_FAILURE_LIMIT:
                    logger.warning(
                        "Stopping after %s failed emails in a row; the next sweep retries", failures_in_a_row
                    )
                    break
    finally:
        connection.close()
    return sent


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
