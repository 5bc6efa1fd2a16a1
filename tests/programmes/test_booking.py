from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from members.models import Membership
from programmes.models import Booking
from programmes.selectors import waitlist_position
from programmes.services import booking_cancel, session_book, session_fill_from_waiting_list
from tests.factories import MembershipFactory
from tests.programmes.factories import BookingFactory, SessionFactory, manager

pytestmark = pytest.mark.django_db


def test_places_are_confirmed_until_capacity_then_people_are_waitlisted():
    session = SessionFactory(capacity=2)
    statuses = [session_book(session=session, user=manager()).status for _ in range(4)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]


def test_waiting_list_is_in_arrival_order():
    session = SessionFactory(capacity=1)
    session_book(session=session, user=manager())
    first, second, third = (session_book(session=session, user=manager()) for _ in range(3))
    assert [waitlist_position(booking=b) for b in (first, second, third)] == [1, 2, 3]


def test_booking_the_same_session_twice_is_refused_with_a_clear_message(session, member):
    session_book(session=session, user=member)
    with pytest.raises(ValidationError, match="already booked"):
        session_book(session=session, user=member)
    assert Booking.objects.filter(session=session, user=member).count() == 1


def test_database_refuses_a_second_active_booking_for_the_same_person(session, member):
    BookingFactory(session=session, user=member)
    with pytest.raises(IntegrityError):
        BookingFactory(session=session, user=member, status=Booking.Status.WAITLISTED)


def test_person_can_book_again_after_cancelling(session, member):
    booking_cancel(booking=session_book(session=session, user=member))
    assert session_book(session=session, user=member).status == Booking.Status.CONFIRMED


def test_cancelling_a_confirmed_place_confirms_first_waitlisted_and_emails_them(
    django_capture_on_commit_callbacks, mailoutbox
):
    session = SessionFactory(capacity=1, title="Fylde Coast peer support")
    first = session_book(session=session, user=manager())
    waiting = session_book(session=session, user=manager())
    later = session_book(session=session, user=manager())
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=first)

    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert later.status == Booking.Status.WAITLISTED
    assert waitlist_position(booking=later) == 1
    promoted = [m for m in mailoutbox if m.to == [waiting.user.email]]
    assert len(promoted) == 1
    assert "A place has come up" in promoted[0].subject
    assert promoted[0].attachments[0][0] == "session.ics"
    assert "SEQUENCE:1" in promoted[0].attachments[0][1]


def test_leaving_the_waiting_list_promotes_nobody():
    session = SessionFactory(capacity=1)
    confirmed = session_book(session=session, user=manager())
    waiting = session_book(session=session, user=manager())
    behind = session_book(session=session, user=manager())
    booking_cancel(booking=waiting)
    behind.refresh_from_db()
    assert behind.status == Booking.Status.WAITLISTED
    assert Booking.objects.get(pk=confirmed.pk).status == Booking.Status.CONFIRMED


def test_booking_confirmation_email_carries_calendar_file(session, member, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        session_book(session=session, user=member)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == f"You are booked on {session.title}"
    filename, content, mimetype = mailoutbox[0].attachments[0]
    assert (filename, mimetype) == ("session.ics", "text/calendar")
    assert "METHOD:REQUEST" in content


def test_cancellation_email_cancels_the_calendar_entry(session, member, django_capture_on_commit_callbacks, mailoutbox):
    booking = session_book(session=session, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking)
    content = mailoutbox[-1].attachments[0][1]
    assert "METHOD:CANCEL" in content
    assert "SEQUENCE:1" in content


def test_booking_is_refused_once_booking_has_closed(session, member):
    with (
        time_machine.travel(session.booking_closes_at + timedelta(minutes=1)),
        pytest.raises(ValidationError, match="closed"),
    ):
        session_book(session=session, user=member)
    assert not Booking.objects.exists()


def test_booking_is_accepted_just_before_booking_closes(session, member):
    with time_machine.travel(session.booking_closes_at - timedelta(minutes=1)):
        assert session_book(session=session, user=member).status == Booking.Status.CONFIRMED


def test_cancelling_after_the_cut_off_is_refused_and_the_place_kept(session, member):
    booking = session_book(session=session, user=member)
    with (
        time_machine.travel(session.cancellation_until + timedelta(minutes=1)),
        pytest.raises(ValidationError, match="no longer cancel online"),
    ):
        booking_cancel(booking=booking)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


@pytest.mark.parametrize(
    "role", [Membership.Role.GP_PARTNER, Membership.Role.ASSISTANT_MANAGER, Membership.Role.TEAM_LEAD]
)
def test_only_practice_managers_may_book_practice_manager_sessions(session, role):
    user = MembershipFactory(role=role).user
    with pytest.raises(ValidationError, match="cannot book"):
        session_book(session=session, user=user)


@pytest.mark.parametrize("role", [Membership.Role.ASSISTANT_MANAGER, Membership.Role.TEAM_LEAD])
def test_assistants_deputies_and_team_leads_may_book_aspiring_group_meetings(role):
    session = SessionFactory(kind="aspiring_group", audience="aspiring")
    user = MembershipFactory(role=role).user
    assert session_book(session=session, user=user).status == Booking.Status.CONFIRMED


def test_practice_manager_may_not_book_aspiring_group_meeting():
    session = SessionFactory(kind="aspiring_group", audience="aspiring")
    with pytest.raises(ValidationError, match="cannot book"):
        session_book(session=session, user=manager())


def test_a_left_practice_membership_does_not_count_for_booking(session):
    membership = MembershipFactory(is_active=False)
    with pytest.raises(ValidationError):
        session_book(session=session, user=membership.user)


def test_adding_places_confirms_the_waiting_list_in_order(django_capture_on_commit_callbacks, mailoutbox):
    session = SessionFactory(capacity=1)
    session_book(session=session, user=manager())
    first, second, third = (session_book(session=session, user=manager()) for _ in range(3))
    session.capacity = 3
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert session_fill_from_waiting_list(session=session) == 2
    statuses = [Booking.objects.get(pk=b.pk).status for b in (first, second, third)]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert {m.to[0] for m in mailoutbox if "A place has come up" in m.subject} == {first.user.email, second.user.email}


def test_waiting_list_email_tells_the_person_their_number(django_capture_on_commit_callbacks, mailoutbox):
    session = SessionFactory(capacity=1)
    session_book(session=session, user=manager())
    with django_capture_on_commit_callbacks(execute=True):
        session_book(session=session, user=manager())
    assert "You are number 1." in mailoutbox[-1].body
