"""Celery jobs for the programme."""

from celery import shared_task

from . import selectors, services


@shared_task
def send_session_reminders() -> int:
    """Queue the day-before reminders: every confirmed booking, and every confirmed cohort enrolment
    with a session tomorrow, not yet reminded; return how many.

    Safe to run twice or in parallel: each booking or enrolment is claimed
    before its reminder is queued, and the outbox refuses a second copy.
    """
    booking_ids = list(selectors.bookings_due_reminder().values_list("pk", flat=True))
    sent = sum(services.booking_remind(booking_id=booking_id) for booking_id in booking_ids)
    due = selectors.enrolments_due_reminder()
    return sent + sum(services.enrolment_remind(enrolment_id=e, session_id=s) for e, s in due)
