import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.permissions import PROGRAMME_ADMIN
from programmes.models import Booking, Mentoring, PeerReview, Training
from tests.conftest import give_totp
from tests.factories import MembershipFactory, StaffFactory
from tests.programmes.factories import LONDON, BookingFactory, SessionFactory, TrainingFactory, manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client):
    coordinator = StaffFactory(groups=[PROGRAMME_ADMIN])
    give_totp(coordinator)
    client.force_login(coordinator)
    return client


def test_session_list_shows_booked_and_waitlisted_counts_without_a_query_per_row(
    coordinator_client, django_assert_max_num_queries
):
    for _ in range(6):
        session = SessionFactory(capacity=2)
        BookingFactory.create_batch(2, session=session)
        BookingFactory(session=session, status=Booking.Status.WAITLISTED)
    url = reverse("admin:programmes_session_changelist")
    with django_assert_max_num_queries(12):
        response = coordinator_client.get(url)
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert [(s.booked_count, s.waitlisted_count) for s in rows] == [(2, 1)] * 6


def test_session_page_lists_attendees(coordinator_client):
    booking = BookingFactory(user__first_name="Priya", user__last_name="Shah")
    response = coordinator_client.get(reverse("admin:programmes_session_change", args=[booking.session.pk]))
    assert "Priya Shah" in response.content.decode()


def test_bulk_action_records_attendance_and_training(coordinator_client):
    day = SessionFactory(kind="peer_review_training", starts_at=timezone.now() - timedelta(days=1))
    bookings = BookingFactory.create_batch(2, session=day)
    coordinator_client.post(
        reverse("admin:programmes_booking_changelist"),
        {"action": "mark_attended", "_selected_action": [b.pk for b in bookings]},
    )
    assert set(Booking.objects.values_list("attended", flat=True)) == {True}
    assert Training.objects.filter(kind=Training.Kind.PEER_REVIEWER).count() == 2


def test_attendance_csv_lists_everyone_booked_with_their_practice(coordinator_client):
    membership = MembershipFactory(practice__name="Riverside Medical Practice", practice__ods_code="P81001")
    booking = BookingFactory(user=membership.user, attended=True)
    response = coordinator_client.post(
        reverse("admin:programmes_session_changelist"),
        {"action": "export_attendance", "_selected_action": [booking.session.pk]},
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0]["Email"] == membership.user.email
    assert rows[0]["Practice"] == "Riverside Medical Practice (P81001)"
    assert rows[0]["Attended"] == "Yes"


def test_admin_refuses_an_untrained_peer_reviewer(coordinator_client):
    untrained = manager()
    response = coordinator_client.post(
        reverse("admin:programmes_peerreview_add"),
        {"manager": manager().pk, "reviewer": untrained.pk, "meeting_notes": "", "goals-TOTAL_FORMS": 0,
         "goals-INITIAL_FORMS": 0},
    )
    assert list(response.context["adminform"].form.errors) == ["reviewer"]
    assert not PeerReview.objects.exists()


def test_admin_pairs_a_trained_peer_reviewer_through_the_service(coordinator_client):
    reviewer = TrainingFactory(kind=Training.Kind.PEER_REVIEWER).user
    mentee = manager()
    response = coordinator_client.post(
        reverse("admin:programmes_peerreview_add"),
        {"manager": mentee.pk, "reviewer": reviewer.pk, "goals-TOTAL_FORMS": 0, "goals-INITIAL_FORMS": 0},
    )
    assert response.status_code == 302
    review = PeerReview.objects.get()
    assert (review.manager, review.reviewer) == (mentee, reviewer)
    assert review.paired_at is not None


def test_admin_pairs_a_trained_mentor(coordinator_client):
    mentor = TrainingFactory(kind=Training.Kind.MENTOR).user
    response = coordinator_client.post(
        reverse("admin:programmes_mentoring_add"),
        {"mentee": manager().pk, "mentor": mentor.pk, "started_on": "2026-11-01",
         "sessions-TOTAL_FORMS": 0, "sessions-INITIAL_FORMS": 0},
    )
    assert response.status_code == 302
    assert Mentoring.objects.get().mentor == mentor


def test_admin_refuses_an_untrained_mentor(coordinator_client):
    response = coordinator_client.post(
        reverse("admin:programmes_mentoring_add"),
        {"mentee": manager().pk, "mentor": manager().pk, "started_on": "2026-11-01",
         "sessions-TOTAL_FORMS": 0, "sessions-INITIAL_FORMS": 0},
    )
    assert list(response.context["adminform"].form.errors) == ["mentor"]
    assert not Mentoring.objects.exists()


def test_officers_without_the_programme_role_cannot_open_sessions(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("admin:programmes_session_changelist")).status_code == 403


def test_raising_capacity_in_admin_offers_the_new_places_to_the_waiting_list(coordinator_client):
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    waiting = BookingFactory(session=session, status=Booking.Status.WAITLISTED)
    url = reverse("admin:programmes_session_change", args=[session.pk])
    form = coordinator_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update(
        capacity=2,
        starts_at_0=f"{session.starts_at.astimezone(LONDON):%Y-%m-%d}", starts_at_1=f"{session.starts_at.astimezone(LONDON):%H:%M}",
        ends_at_0=f"{session.ends_at.astimezone(LONDON):%Y-%m-%d}", ends_at_1=f"{session.ends_at.astimezone(LONDON):%H:%M}",
        booking_closes_at_0=f"{session.booking_closes_at.astimezone(LONDON):%Y-%m-%d}",
        booking_closes_at_1=f"{session.booking_closes_at.astimezone(LONDON):%H:%M}",
        cancellation_until_0=f"{session.cancellation_until.astimezone(LONDON):%Y-%m-%d}",
        cancellation_until_1=f"{session.cancellation_until.astimezone(LONDON):%H:%M}",
        **{"bookings-TOTAL_FORMS": 0, "bookings-INITIAL_FORMS": 0, "group": ""},
    )
    data = {k: v for k, v in data.items() if v is not None and k not in {"starts_at", "ends_at", "booking_closes_at", "cancellation_until"}}
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
