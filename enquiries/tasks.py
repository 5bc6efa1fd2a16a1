"""Periodic enquiry jobs. Thin: each calls one service. Names are fixed (beat refers to them)."""

from celery import shared_task

from mail.services import emails_deliver_due

from . import services

__all__ = [
    "anonymise_enquiries_past_retention",
    "delete_old_enquiry_drafts",
    "resume_ended_pcn_pauses",
    "send_sla_reminders",
    "summarise_overview_months",
]


@shared_task(name="enquiries.tasks.send_sla_reminders", ignore_result=True, expires=15 * 60)
def send_sla_reminders() -> int:
    """Run one SLA reminder sweep, then send anything else due in the outbox; return how many emails went.

    The outbox part means an acknowledgement the broker never saw (it was down
    at submission) goes out on the next sweep even if the minute-by-minute
    outbox job is switched off. Safe to run twice or concurrently.
    """
    sweep = services.reminders_send_due()
    return sweep.sent + emails_deliver_due()


@shared_task(name="enquiries.tasks.resume_ended_pcn_pauses", ignore_result=True, expires=15 * 60)
def resume_ended_pcn_pauses() -> int:
    """End PCN support pauses whose end date has come; held enquiries start their SLA. Return how many resumed."""
    return services.pcn_support_resume_due()


@shared_task(name="enquiries.tasks.anonymise_enquiries_past_retention", ignore_result=True, expires=6 * 3600)
def anonymise_enquiries_past_retention() -> int:
    """Anonymise closed enquiries past their topic's retention period; return how many."""
    return len(services.enquiries_anonymise_due())


@shared_task(name="enquiries.tasks.delete_old_enquiry_drafts", ignore_result=True, expires=6 * 3600)
def delete_old_enquiry_drafts() -> int:
    """Delete Request support drafts untouched for 30 days; return how many."""
    return services.enquiry_drafts_delete_expired()


@shared_task(name="enquiries.tasks.summarise_overview_months", ignore_result=True, expires=6 * 3600)
def summarise_overview_months() -> int:
    """Recount the support overview's monthly figures up to last midnight; return how many months."""
    return services.overview_months_summarise()
