from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from programmes.ics import booking_ics
from programmes.services import booking_cancel, session_book
from tests.programmes.factories import SessionFactory, london, manager

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def _event(text):
    calendar = Calendar.from_ical(text)
    return calendar, next(iter(calendar.walk("VEVENT")))


@pytest.fixture
def summer_session():
    # 10:00 London time in July is 09:00 UTC (British Summer Time).
    start = london(2030, 7, 15, 10, 0)
    return SessionFactory(
        title="Peer support: summer", starts_at=start, ends_at=start + timedelta(hours=2, minutes=30)
    )


def test_calendar_file_has_london_times_that_mean_the_right_instant(summer_session):
    booking = session_book(session=summer_session, user=manager())
    calendar, event = _event(booking_ics(booking=booking))
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.astimezone(UTC) == datetime(2030, 7, 15, 9, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2030, 7, 15, 11, 30, tzinfo=UTC)
    assert str(event["dtstart"].params["TZID"]) == "Europe/London"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_winter_session_is_at_the_same_clock_time_in_utc():
    start = london(2030, 1, 14, 10, 0)
    booking = session_book(session=SessionFactory(starts_at=start, ends_at=start + timedelta(hours=1)), user=manager())
    _, event = _event(booking_ics(booking=booking))
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2030, 1, 14, 10, 0, tzinfo=UTC)


def test_calendar_uid_stays_the_same_when_the_booking_is_cancelled(summer_session):
    booking = session_book(session=summer_session, user=manager())
    _, invitation = _event(booking_ics(booking=booking))
    booking_cancel(booking=booking)
    booking.refresh_from_db()
    calendar, cancellation = _event(booking_ics(booking=booking, cancelled=True))
    assert str(invitation["uid"]) == str(cancellation["uid"])
    assert str(invitation["uid"]).startswith(f"programme-booking-{booking.pk}@")
    assert str(calendar["method"]) == "CANCEL"
    assert str(cancellation["status"]) == "CANCELLED"
    assert cancellation["sequence"] > invitation["sequence"]


def test_each_booking_on_a_session_has_its_own_uid(summer_session):
    first = session_book(session=summer_session, user=manager())
    second = session_book(session=summer_session, user=manager())
    assert _event(booking_ics(booking=first))[1]["uid"] != _event(booking_ics(booking=second))[1]["uid"]


def test_online_session_calendar_entry_carries_the_joining_link():
    session = SessionFactory(mode="online", venue="", online_link="https://teams.example.org/meet/abc?x=1&y=2")
    _, event = _event(booking_ics(booking=session_book(session=session, user=manager())))
    assert str(event["url"]) == "https://teams.example.org/meet/abc?x=1&y=2"
    assert str(event["location"]) == "Online"
