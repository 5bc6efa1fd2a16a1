"""Celery tasks for the outbox.

Names are fixed, and keep the app's old home (`lmcportal.mail`): beat's
PeriodicTask rows (migration mail 0002) and messages already waiting in the
broker refer to them by name, so the module moving did not rename them.
"""

from celery import shared_task

from . import services

__all__ = ["deliver_email", "deliver_emails", "deliver_pending_emails"]


@shared_task(name="lmcportal.mail.tasks.deliver_email", ignore_result=True)
def deliver_email(email_id: int) -> bool:
    """Deliver one outbox email; failures are rescheduled in the outbox, not raised."""
    return services.email_deliver(email_id=email_id)


@shared_task(name="lmcportal.mail.tasks.deliver_emails", ignore_result=True)
def deliver_emails(email_ids: list[int]) -> int:
    """Deliver outbox emails queued together (a submission's two), over one SMTP conversation."""
    return len(services.emails_deliver(email_ids=email_ids))


@shared_task(name="lmcportal.mail.tasks.deliver_pending_emails", ignore_result=True)
def deliver_pending_emails() -> int:
    """Sweep the outbox: send whatever is due, including retries and emails the broker never saw."""
    return services.emails_deliver_due()
