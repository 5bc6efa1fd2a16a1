"""Queue and deliver email through the outbox table (see models.OutboundEmail)."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died mid-send.
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 12


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait before attempt number `attempts + 1`."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def email_queue(
    *,
    to: Iterable[str],
    template: str,
    context: dict,
    attachments: Iterable[dict] = (),
    dedupe_key: str | None = None,
) -> OutboundEmail:
    """Write an email to the outbox and deliver it once the transaction commits.

    `template` names `<template>_subject.txt`, `<template>.txt` and optionally
    `<template>.html`. With a `dedupe_key` already used, return the existing
    email instead of queuing a second one.
    """
    context = {"lmc_name": settings.LMC_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body_text = render_to_string(f"{template}.txt", context)
    try:
        body_html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        body_html = ""
    return _queue(
        to=list(to),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=list(attachments),
        dedupe_key=dedupe_key,
    )


def email_queue_message(*, message: EmailMultiAlternatives, dedupe_key: str | None = None) -> OutboundEmail:
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
    )


def _queue(*, to, subject, body_text, body_html, attachments, dedupe_key) -> OutboundEmail:
    if dedupe_key:
        existing = OutboundEmail.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                to=to,
                subject=subject[:255],
                body_text=body_text,
                body_html=body_html,
                attachments=attachments,
                dedupe_key=dedupe_key,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        # Another process queued the same key between our check and insert.
        return OutboundEmail.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: _enqueue_delivery(email.pk))
    return email


def _enqueue_delivery(email_id: int) -> None:
    from .tasks import deliver_email

    try:
        deliver_email.delay(email_id)
    except Exception:  # the broker is down: the outbox sweep sends it later
        logger.warning("Could not queue email %s; the outbox sweep will send it", email_id, exc_info=True)


def email_deliver(*, email_id: int) -> bool:
    """Send one outbox email if it is due and nobody else is sending it.

    Return True if this call sent it. The row is claimed in its own
    transaction first, so two workers never send the same email; a claim left
    by a worker that died is taken over after CLAIM_TIMEOUT.
    """
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id)
            .filter(_due_filter(now))
            .first()
        )
        if email is None:
            return False
        email.status = OutboundEmail.Status.SENDING
        email.claimed_at = now
        email.save(update_fields=["status", "claimed_at"])

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
    try:
        message.send()
    except Exception as exc:
        attempts = email.attempts + 1
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=OutboundEmail.Status.FAILED if attempts >= MAX_ATTEMPTS else OutboundEmail.Status.PENDING,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=timezone.now() + retry_delay(attempts),
            claimed_at=None,
        )
        logger.warning("Sending email %s failed (attempt %s)", email.pk, attempts, exc_info=True)
        return False
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT,
        attempts=email.attempts + 1,
        sent_at=timezone.now(),
        claimed_at=None,
        last_error="",
    )
    return True


def _due_filter(now):
    from django.db.models import Q

    return Q(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def emails_deliver_due(*, limit: int = 500) -> int:
    """Send every outbox email that is due; return how many were sent."""
    ids = list(
        OutboundEmail.objects.filter(_due_filter(timezone.now()))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(email_deliver(email_id=email_id) for email_id in ids)


def email_retry(*, email: OutboundEmail) -> None:
    """Put a failed email back in the queue (staff action)."""
    OutboundEmail.objects.filter(pk=email.pk).exclude(status=OutboundEmail.Status.SENT).update(
        status=OutboundEmail.Status.PENDING, next_attempt_at=timezone.now(), claimed_at=None
    )
    transaction.on_commit(lambda: _enqueue_delivery(email.pk))
