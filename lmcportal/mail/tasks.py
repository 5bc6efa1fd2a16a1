from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def deliver_email(email_id: int) -> bool:
    """Deliver one outbox email (failures are rescheduled in the outbox)."""
    return services.email_deliver(email_id=email_id)


@shared_task(ignore_result=True)
def deliver_pending_emails() -> int:
    """Sweep the outbox: send whatever is due, including retries."""
    return services.emails_deliver_due()
