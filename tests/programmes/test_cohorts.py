"""Cohorts: enrolment with the booking rules, attendance, completion, calendar and reminders."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from icalendar import Calendar

from members.models import Membership
from programmes import selectors
from programmes.ics import enrolment_ics
from programmes.models import Attendance, Booking, Enrolment, Training
from programmes.services import (
    attendance_record,
    cohort_attendance_record,
    cohort_enrol,
    cohort_fill_from_waiting_list,
    enrolment_cancel,
)
from programmes.tasks import send_session_reminders
from tests.concurrency import run_concurrently
from tests.programmes.factories import (
    BookingFactory,
    CohortFactory,
    EnrolmentFactory,
    SessionFactory,
    gp,
    london,
    manager,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _started(cohort, count):
    """Move the cohort's first `count` sessions into the past, so attendance can be recorded for them."""
    sessions = list(cohort.sessions.order_by("starts_at"))
    start = timezone.now() - timedelta(days=7 * len(sessions))
    for number, session in enumerate(sessions[:count]):
        session.starts_at = start + timedelta(days=7 * number)
        session.ends_at = session.starts_at + timedelta(hours=2)
        session.save()
    return sessions


# --- Enrolment ---------------------------------------------------------------------------


def test_places_are_confirmed_until_capacity_then_people_wait_in_arrival_order():
    cohort = CohortFactory(capacity=2)
    enrolments = [cohort_enrol(cohort=cohort, user=gp()) for _ in range(4)]
    assert [e.status for e in enrolments] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [selectors.enrolment_waitlist_position(enrolment=e) for e in enrolments[2:]] == [1, 2]


def test_enrolment_confirmation_email_carries_every_session_in_a_calendar_file(django_capture_on_commit_callbacks, mailoutbox):
    cohort = CohortFactory(name="Next Generation GP: Preston")
    person = gp()
    with django_capture_on_commit_callbacks(execute=True):
        cohort_enrol(cohort=cohort, user=person)
    (email,) = mailoutbox
    assert email.to == [person.email]
    assert "You are enrolled in Next Generation GP: Preston" in email.subject
    assert "attend at least 5 of the 6 sessions" in email.body
    (name, content, mimetype) = email.attachments[0]
    assert mimetype.startswith("text/calendar")
    assert len(Calendar.from_ical(content).walk("VEVENT")) == 6


def test_withdrawing_gives_the_place_to_the_first_on_the_waiting_list_who_is_emailed(
    django_capture_on_commit_callbacks, mailoutbox
):
    cohort = CohortFactory(capacity=1)
    first = cohort_enrol(cohort=cohort, user=gp())
    waiting = cohort_enrol(cohort=cohort, user=gp())
    later = cohort_enrol(cohort=cohort, user=gp())
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        enrolment_cancel(enrolment=first)

    waiting.refresh_from_db()
    later.refresh_from_db()
    assert (waiting.status, later.status) == ("confirmed", "waitlisted")
    assert selectors.enrolment_waitlist_position(enrolment=later) == 1
    promoted = [email for email in mailoutbox if email.to == [waiting.user.email]]
    assert promoted
    assert "A place has come up" in promoted[0].subject


def test_adding_places_moves_people_off_the_waiting_list():
    cohort = CohortFactory(capacity=1)
    cohort_enrol(cohort=cohort, user=gp())
    waiting = cohort_enrol(cohort=cohort, user=gp())
    cohort.capacity = 2
    cohort.save()
    assert cohort_fill_from_waiting_list(cohort=cohort) == 1
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.CONFIRMED


def test_enrolment_before_applications_open_is_refused_with_the_opening_date():
    cohort = CohortFactory(
        applications_open_at=london(2030, 1, 6, 9), applications_close_at=london(2030, 2, 1, 17),
        cancellation_until=london(2030, 2, 1, 17),
    )
    with time_machine.travel(london(2030, 1, 5, 9)), pytest.raises(ValidationError, match="open on Sunday 6 January 2030"):
        cohort_enrol(cohort=cohort, user=gp())
    assert not Enrolment.objects.exists()


def test_enrolment_after_applications_close_is_refused_with_a_message():
    cohort = CohortFactory(
        applications_open_at=timezone.now() - timedelta(days=20), applications_close_at=timezone.now() - timedelta(hours=1),
        cancellation_until=timezone.now() - timedelta(hours=1),
    )
    with pytest.raises(ValidationError, match="closed on"):
        cohort_enrol(cohort=cohort, user=gp())
    assert not Enrolment.objects.exists()


def test_a_role_the_programme_is_not_for_cannot_enrol():
    cohort = CohortFactory()
    with pytest.raises(ValidationError, match="is for GP partner, salaried GP"):
        cohort_enrol(cohort=cohort, user=manager())


def test_enrolling_twice_is_refused_and_the_database_backs_it_up():
    cohort = CohortFactory()
    person = gp()
    cohort_enrol(cohort=cohort, user=person)
    with pytest.raises(ValidationError, match="already enrolled"):
        cohort_enrol(cohort=cohort, user=person)
    with pytest.raises(IntegrityError):
        EnrolmentFactory(cohort=cohort, user=person, status=Enrolment.Status.WAITLISTED)


def test_withdrawing_after_the_cut_off_is_refused():
    cohort = CohortFactory()
    enrolment = cohort_enrol(cohort=cohort, user=gp())
    with time_machine.travel(cohort.cancellation_until + timedelta(minutes=1)), pytest.raises(
        ValidationError, match="no longer withdraw online"
    ):
        enrolment_cancel(enrolment=enrolment)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_people_enrolling_for_the_last_place_at_once_get_exactly_one_place():
    cohort = CohortFactory(capacity=3)
    for _ in range(2):
        cohort_enrol(cohort=cohort, user=gp())
    people = iter([gp() for _ in range(10)])
    people_list = []

    def enrol():
        person = next(people)
        people_list.append(person)
        return cohort_enrol(cohort=cohort, user=person)

    results, errors = run_concurrently(10, enrol)

    assert errors == []
    assert sorted(e.status for e in results) == ["confirmed"] + ["waitlisted"] * 9
    assert Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.CONFIRMED).count() == 3
    positions = sorted(selectors.enrolment_waitlist_position(enrolment=e) for e in results if e.status == "waitlisted")
    assert positions == list(range(1, 10))


# --- Attendance and completion -----------------------------------------------------------


def test_attending_five_of_six_sessions_completes_and_emails_once(django_capture_on_commit_callbacks, mailoutbox):
    cohort = CohortFactory()
    enrolment = EnrolmentFactory(cohort=cohort)
    sessions = _started(cohort, 6)
    with django_capture_on_commit_callbacks(execute=True):
        for session in sessions[:5]:
            cohort_attendance_record(session=session, attended_enrolment_ids=[enrolment.pk])
        cohort_attendance_record(session=sessions[5], attended_enrolment_ids=[])

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    completed = [email for email in mailoutbox if "You have completed" in email.subject]
    assert len(completed) == 1
    assert completed[0].to == [enrolment.user.email]


def test_attending_four_of_six_sessions_does_not_complete():
    cohort = CohortFactory()
    enrolment = EnrolmentFactory(cohort=cohort)
    sessions = _started(cohort, 6)
    for number, session in enumerate(sessions):
        cohort_attendance_record(session=session, attended_enrolment_ids=[enrolment.pk] if number < 4 else [])
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    assert Attendance.objects.filter(enrolment=enrolment, attended=True).count() == 4


def test_correcting_attendance_below_the_rule_takes_completion_away():
    cohort = CohortFactory(completion_minimum=1)
    enrolment = EnrolmentFactory(cohort=cohort)
    (session, *_) = _started(cohort, 1)
    cohort_attendance_record(session=session, attended_enrolment_ids=[enrolment.pk])
    cohort_attendance_record(session=session, attended_enrolment_ids=[])
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None


def test_attendance_for_a_cohort_session_still_to_come_is_refused():
    cohort = CohortFactory()
    enrolment = EnrolmentFactory(cohort=cohort)
    with pytest.raises(ValidationError, match="has not started yet"):
        cohort_attendance_record(session=cohort.sessions.first(), attended_enrolment_ids=[enrolment.pk])
    assert not Attendance.objects.exists()


def test_attendance_for_a_future_training_day_is_refused_and_makes_nobody_a_trained_reviewer():
    booking = BookingFactory(session=SessionFactory(kind="peer_review_training"))
    with pytest.raises(ValidationError, match="has not started yet"):
        attendance_record(bookings=[booking], attended=True)
    booking.refresh_from_db()
    assert booking.attended is None
    assert not Training.objects.exists()


def test_waiting_list_people_are_not_recorded_as_attending():
    cohort = CohortFactory()
    waiting = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    (session, *_) = _started(cohort, 1)
    assert cohort_attendance_record(session=session, attended_enrolment_ids=[waiting.pk]) == 0
    assert not Attendance.objects.exists()


def test_a_person_who_completes_is_a_possible_co_facilitator_for_the_next_cohort():
    first = CohortFactory(completion_minimum=1)
    enrolment = EnrolmentFactory(cohort=first)
    (session, *_) = _started(first, 1)
    cohort_attendance_record(session=session, attended_enrolment_ids=[enrolment.pk])
    following = CohortFactory(programme=first.programme)
    assert list(selectors.co_facilitator_candidates(cohort=following)) == [enrolment.user]
    assert enrolment.user not in selectors.co_facilitator_candidates(cohort=first)


# --- Calendar and reminders -----------------------------------------------------------------


def test_cohort_calendar_has_one_event_per_session_in_london_time():
    cohort = CohortFactory(starts_on=timezone.localdate().replace(year=2030, month=3, day=19))
    # Sessions fortnightly from 19 March 2030, across the change to British Summer Time (31 March).
    enrolment = EnrolmentFactory(cohort=cohort)

    calendar = Calendar.from_ical(enrolment_ics(enrolment=enrolment))
    events = calendar.walk("VEVENT")

    assert len(events) == 6
    assert len({str(event["UID"]) for event in events}) == 6
    for event, session in zip(events, cohort.sessions.order_by("starts_at"), strict=True):
        start = event.decoded("DTSTART")
        assert str(start.tzinfo) == "Europe/London"
        assert (start.hour, start.minute) == (18, 30)
        assert start == session.starts_at
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_cancelled_enrolment_calendar_cancels_every_session():
    enrolment = EnrolmentFactory()
    enrolment_cancel(enrolment=enrolment)
    enrolment.refresh_from_db()
    calendar = Calendar.from_ical(enrolment_ics(enrolment=enrolment, cancelled=True))
    assert calendar["METHOD"] == "CANCEL"
    assert {str(event["STATUS"]) for event in calendar.walk("VEVENT")} == {"CANCELLED"}


def test_reminder_goes_out_once_the_day_before_each_cohort_session(django_capture_on_commit_callbacks, mailoutbox):
    cohort = CohortFactory()
    enrolment = EnrolmentFactory(cohort=cohort)
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    first, second = list(cohort.sessions.order_by("starts_at"))[:2]

    with time_machine.travel(first.starts_at - timedelta(hours=20)), django_capture_on_commit_callbacks(execute=True):
        assert send_session_reminders() == 1
        assert send_session_reminders() == 0
    with time_machine.travel(second.starts_at - timedelta(hours=20)), django_capture_on_commit_callbacks(execute=True):
        assert send_session_reminders() == 1

    reminders = [email for email in mailoutbox if email.subject.startswith("Reminder:")]
    assert [email.to for email in reminders] == [[enrolment.user.email]] * 2
    assert [first.title in reminders[0].subject, second.title in reminders[1].subject] == [True, True]


def test_drop_in_booking_rules_are_unchanged_by_cohorts():
    session = SessionFactory(capacity=1)
    cohort = CohortFactory(capacity=1)
    cohort_enrol(cohort=cohort, user=gp())
    assert BookingFactory(session=session).status == Booking.Status.CONFIRMED
    assert session.programme.slug == "practice-manager-development"
    assert Membership.Role.GP_TRAINEE in cohort.allowed_roles
