from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from programmes.models import AspiringGroup, Booking, Goal, PeerReview, Training
from programmes.services import mentoring_pair, mentoring_session_record, session_book
from tests.factories import MembershipFactory
from tests.programmes.factories import AreaFactory, BookingFactory, SessionFactory, TrainingFactory

pytestmark = pytest.mark.django_db
INDEX = reverse("programmes:session_list")


@pytest.fixture
def review(member):
    reviewer = TrainingFactory(kind=Training.Kind.PEER_REVIEWER).user
    MembershipFactory(user=reviewer)
    return PeerReview.objects.create(manager=member, reviewer=reviewer)


@pytest.fixture
def goal(review):
    return Goal.objects.create(review=review, what="Lead the system migration", why="Biggest risk", target_date="2027-03-31")


def test_programme_page_lists_sessions_with_places_left(member_client, session):
    BookingFactory.create_batch(3, session=session)
    response = member_client.get(INDEX)
    assert response.status_code == 200
    assert session.title in response.content.decode()
    assert "7 of 10 places left" in response.content.decode()


def test_programme_page_hides_sessions_the_member_cannot_book(member_client, session):
    aspiring = SessionFactory(kind="aspiring_group", audience="aspiring", title="Aspiring managers March")
    past = SessionFactory(title="Last month's meeting", starts_at=session.starts_at - timedelta(days=40),
                          ends_at=session.starts_at - timedelta(days=40, hours=-2),
                          booking_closes_at=session.starts_at - timedelta(days=41),
                          cancellation_until=session.starts_at - timedelta(days=41))
    content = member_client.get(INDEX).content.decode()
    assert aspiring.title not in content
    assert past.title not in content


def test_booking_from_the_page_confirms_and_says_what_happens_next(member_client, session, member):
    response = member_client.post(reverse("programmes:session_book", args=[session.pk]), follow=True)
    assert Booking.objects.get(user=member).status == Booking.Status.CONFIRMED
    assert "You are booked on" in response.content.decode()
    assert "remind you the day before" in response.content.decode()


def test_booking_a_full_session_puts_member_on_waiting_list_with_position(member_client, member):
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    response = member_client.post(reverse("programmes:session_book", args=[session.pk]), follow=True)
    assert "on the waiting list at number 1" in response.content.decode()
    assert "Waiting list: number 1" in response.content.decode()


def test_booking_twice_from_the_page_shows_a_clear_error(member_client, session, member):
    BookingFactory(session=session, user=member)
    response = member_client.post(reverse("programmes:session_book", args=[session.pk]), follow=True)
    assert "already booked" in response.content.decode()


def test_booking_needs_a_post(member_client, session):
    assert member_client.get(reverse("programmes:session_book", args=[session.pk])).status_code == 405
    assert not Booking.objects.exists()


def test_booking_is_csrf_protected(member, session):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member)
    assert csrf_client.post(reverse("programmes:session_book", args=[session.pk])).status_code == 403


def test_cancelling_from_the_page_frees_the_place(member_client, session, member):
    booking = BookingFactory(session=session, user=member)
    response = member_client.post(reverse("programmes:booking_cancel", args=[booking.pk]), follow=True)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert "is cancelled" in response.content.decode()


def test_cancel_button_is_replaced_by_advice_after_the_cut_off(member_client, member):
    session = SessionFactory()
    BookingFactory(session=session, user=member)
    with time_machine.travel(session.cancellation_until + timedelta(hours=1)):
        member_client.force_login(member)  # a session from days earlier would have expired
        content = member_client.get(INDEX).content.decode()
    assert "Cancel booking" not in content
    assert "please email the programme team" in content


def test_add_to_calendar_downloads_the_members_booking(member_client, session, member):
    booking = BookingFactory(session=session, user=member)
    response = member_client.get(reverse("programmes:booking_calendar", args=[booking.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert str(event["summary"]) == session.title


def test_aspiring_group_member_sees_their_group_and_can_book_its_meetings(client):
    deputy = MembershipFactory(role="assistant_manager").user
    meeting = SessionFactory(kind="aspiring_group", audience="aspiring", title="Aspiring managers: March")
    group = AspiringGroup.objects.create(name="Preston aspiring managers", area=meeting.area)
    group.members.add(deputy)
    meeting.group = group
    meeting.save()
    client.force_login(deputy)
    content = client.get(INDEX).content.decode()
    assert "Preston aspiring managers" in content
    assert 'action="{}"'.format(reverse("programmes:session_book", args=[meeting.pk])) in content


def test_mentee_sees_their_mentor_and_sessions(member_client, member):
    mentor = TrainingFactory(kind=Training.Kind.MENTOR, user__first_name="Fiona", user__last_name="Clarke").user
    mentoring = mentoring_pair(mentee=member, mentor=mentor, started_on="2026-10-01")
    mentoring_session_record(mentoring=mentoring, held_on="2026-10-20", summary="Difficult conversations")
    content = member_client.get(INDEX).content.decode()
    assert "Your mentor: Fiona Clarke" in content
    assert "Difficult conversations" in content


def test_programme_page_query_count_does_not_grow_with_sessions(member_client, member, django_assert_max_num_queries):
    for _ in range(8):
        session = SessionFactory(capacity=2)
        BookingFactory.create_batch(2, session=session)
        session_book(session=session, user=member)
    with django_assert_max_num_queries(10):
        response = member_client.get(INDEX)
    assert response.content.decode().count("Waiting list: number 1") == 8


# --- Development plan -----------------------------------------------------------------


def test_manager_sees_their_own_plan(member_client, review, goal):
    response = member_client.get(reverse("programmes:plan_detail", args=[review.pk]))
    assert "Lead the system migration" in response.content.decode()


def test_reviewer_sees_and_agrees_the_plan(client, review, goal):
    client.force_login(review.reviewer)
    assert "Lead the system migration" in client.get(reverse("programmes:plan_detail", args=[review.pk])).content.decode()
    client.post(reverse("programmes:plan_agree", args=[review.pk]))
    review.refresh_from_db()
    assert review.plan_agreed_at is not None


def test_another_member_of_the_same_practice_cannot_see_the_plan(client, review, practice, goal):
    colleague = MembershipFactory(practice=practice).user
    client.force_login(colleague)
    assert client.get(reverse("programmes:plan_detail", args=[review.pk])).status_code == 404


def test_manager_cannot_agree_their_own_plan(member_client, review, goal):
    assert member_client.post(reverse("programmes:plan_agree", args=[review.pk])).status_code == 404
    review.refresh_from_db()
    assert review.plan_agreed_at is None


def test_manager_adds_a_goal_and_reviewer_must_agree_again(member_client, review, goal):
    PeerReview.objects.filter(pk=review.pk).update(plan_agreed_at="2026-11-01T10:00Z")
    response = member_client.post(
        reverse("programmes:goal_add", args=[review.pk]),
        {"what": "Finance course", "why": "Confidence with the partnership's figures", "target_date": "2027-06-30",
         "status": "not_started", "progress_notes": ""},
    )
    assert response.status_code == 302
    assert review.goals.filter(what="Finance course").exists()
    review.refresh_from_db()
    assert review.plan_agreed_at is None


def test_goal_with_missing_date_shows_error_and_keeps_what_was_typed(member_client, review):
    response = member_client.post(
        reverse("programmes:goal_add", args=[review.pk]),
        {"what": "Finance course", "why": "Confidence", "target_date": "", "status": "not_started"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert 'href="#id_target_date"' in content
    assert "Enter the date you aim to achieve this by." in content
    assert 'value="Finance course"' in content
    assert not Goal.objects.exists()


def test_reviewer_records_the_review_meeting(client, review):
    client.force_login(review.reviewer)
    client.post(reverse("programmes:review_meeting_record", args=[review.pk]),
                {"meeting_on": "2026-11-10", "meeting_notes": "Talked about succession"})
    review.refresh_from_db()
    assert str(review.meeting_on) == "2026-11-10"


def test_reviewer_cannot_edit_the_managers_goals(client, review, goal):
    client.force_login(review.reviewer)
    assert client.get(reverse("programmes:goal_edit", args=[goal.pk])).status_code == 404


# --- Confidentiality: every URL is a 404 for someone at another practice -----------------


@pytest.fixture
def mentoring(member):
    mentor = TrainingFactory(kind=Training.Kind.MENTOR).user
    MembershipFactory(user=mentor)
    return mentoring_pair(mentee=member, mentor=mentor, started_on="2026-10-01")


def test_mentor_records_a_session_the_mentee_then_sees(client, member, mentoring):
    client.force_login(mentoring.mentor)
    response = client.post(
        reverse("programmes:mentoring_session_add", args=[mentoring.pk]),
        {"held_on": "2026-11-02", "summary": "Planning the partners' away day"},
    )
    assert response.status_code == 302
    client.force_login(member)
    assert "Planning the partners&#x27; away day" in client.get(INDEX).content.decode()


def test_mentee_cannot_record_their_own_mentoring_sessions(member_client, mentoring):
    url = reverse("programmes:mentoring_session_add", args=[mentoring.pk])
    assert member_client.post(url, {"held_on": "2026-11-02"}).status_code == 404


@pytest.fixture
def members_things(member, review, goal, session, mentoring):
    return {"booking": BookingFactory(session=session, user=member), "review": review, "goal": goal,
            "mentoring": mentoring}


@pytest.mark.parametrize(
    ("name", "key", "method"),
    [
        ("programmes:booking_cancel", "booking", "post"),
        ("programmes:booking_calendar", "booking", "get"),
        ("programmes:plan_detail", "review", "get"),
        ("programmes:goal_add", "review", "get"),
        ("programmes:goal_add", "review", "post"),
        ("programmes:review_meeting_record", "review", "get"),
        ("programmes:plan_agree", "review", "post"),
        ("programmes:goal_edit", "goal", "get"),
        ("programmes:goal_edit", "goal", "post"),
        ("programmes:mentoring_session_add", "mentoring", "get"),
        ("programmes:mentoring_session_add", "mentoring", "post"),
    ],
)
def test_another_practices_member_gets_404(client, other_member, members_things, name, key, method):
    client.force_login(other_member)
    response = getattr(client, method)(reverse(name, args=[members_things[key].pk]))
    assert response.status_code == 404
    assert Booking.objects.get(pk=members_things["booking"].pk).status == Booking.Status.CONFIRMED


def test_another_practices_member_cannot_book_a_session_not_open_to_them(client, session):
    partner = MembershipFactory(role="gp_partner").user
    client.force_login(partner)
    assert client.post(reverse("programmes:session_book", args=[session.pk])).status_code == 404


def test_another_practices_booking_is_not_on_the_page(client, other_member, members_things, member):
    client.force_login(other_member)
    content = client.get(INDEX).content.decode()
    assert reverse("programmes:booking_cancel", args=[members_things["booking"].pk]) not in content
    assert reverse("programmes:plan_detail", args=[members_things["review"].pk]) not in content


def test_programme_page_needs_login(client):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_member_can_show_only_one_footprints_sessions(member_client):
    preston = SessionFactory(title="Preston meeting", area=AreaFactory(name="Preston"))
    SessionFactory(title="Pennine meeting", area=AreaFactory(name="Pennine"))
    content = member_client.get(INDEX, {"footprint": preston.area_id}).content.decode()
    assert "Preston meeting" in content
    assert "Pennine meeting" not in content


def test_new_goal_with_a_past_target_date_is_refused_next_to_the_date(member_client, review):
    response = member_client.post(
        reverse("programmes:goal_add", args=[review.pk]),
        {"what": "Finance course", "why": "Confidence", "target_date": "2020-01-31", "status": "not_started"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "a new goal cannot be in the past" in content
    assert 'href="#id_target_date"' in content
    assert not Goal.objects.exists()
