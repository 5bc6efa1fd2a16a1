"""Celery jobs for the programme."""

from celery import shared_task

from . import selectors, services


@shared_task
def send_session_reminders() -> int:
    """Queue the day-before reminder for every confirmed booking not yet reminded; return how many.

    Safe to run twice or in parallel: each booking is claimed before its
    reminder is queued, and the outbox refuses a second copy.
    """
    booking_ids = list(selectors.bookings_due_reminder().values_list("pk", flat=True))
    return sum(services.booking_remind(booking_id=booking_id) for booking_id in booking_ids)
