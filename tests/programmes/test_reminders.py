from datetime import timedelta

import pytest
import time_machine

from programmes.models import Booking
from programmes.tasks import send_session_reminders
from tests.programmes.factories import BookingFactory, SessionFactory, london

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday_session():
    start = london(2030, 3, 11, 10, 0)  # a Monday
    return SessionFactory(starts_at=start, ends_at=start + timedelta(hours=2))


def _reminders(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith("Reminder:")]


def test_reminder_goes_out_the_day_before_the_session(monday_session, django_capture_on_commit_callbacks, mailoutbox):
    booking = BookingFactory(session=monday_session)
    with time_machine.travel(london(2030, 3, 10, 8, 5)), django_capture_on_commit_callbacks(execute=True):
        assert send_session_reminders() == 1
    [reminder] = _reminders(mailoutbox)
    assert reminder.to == [booking.user.email]
    assert "Monday 11 March" in reminder.subject
    assert "10:00" in reminder.subject
    booking.refresh_from_db()
    assert booking.reminded_at is not None


def test_no_reminder_two_days_before(monday_session, mailoutbox):
    BookingFactory(session=monday_session)
    with time_machine.travel(london(2030, 3, 9, 21, 0)):
        assert send_session_reminders() == 0


def test_each_booking_is_reminded_only_once(monday_session, django_capture_on_commit_callbacks, mailoutbox):
    BookingFactory(session=monday_session)
    for hour in (8, 9, 10):
        with time_machine.travel(london(2030, 3, 10, hour, 5)), django_capture_on_commit_callbacks(execute=True):
            send_session_reminders()
    assert len(_reminders(mailoutbox)) == 1


def test_waitlisted_and_cancelled_bookings_get_no_reminder(monday_session, mailoutbox):
    BookingFactory(session=monday_session, status=Booking.Status.WAITLISTED)
    BookingFactory(session=monday_session, status=Booking.Status.CANCELLED)
    with time_machine.travel(london(2030, 3, 10, 8, 5)):
        assert send_session_reminders() == 0


def test_reminder_schedule_is_on_celery_beat():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="programmes.tasks.send_session_reminders")
    assert task.enabled
    assert str(task.crontab.timezone) == "Europe/London"
