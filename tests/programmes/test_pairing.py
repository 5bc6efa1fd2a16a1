from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from programmes.models import Booking, Mentoring, PeerReview, Training
from programmes.services import attendance_record, mentoring_pair, peer_review_pair
from tests.programmes.factories import BookingFactory, SessionFactory, TrainingFactory, london, manager

pytestmark = pytest.mark.django_db


def _yesterday():
    """Attendance is recorded only once a session has started."""
    return timezone.now() - timedelta(days=1)


def test_manager_can_be_paired_with_a_trained_peer_reviewer():
    reviewer = TrainingFactory(kind=Training.Kind.PEER_REVIEWER).user
    review = peer_review_pair(manager=manager(), reviewer=reviewer)
    assert review.reviewer == reviewer


def test_pairing_with_an_untrained_peer_reviewer_is_refused():
    with pytest.raises(ValidationError, match="not a trained peer reviewer"):
        peer_review_pair(manager=manager(), reviewer=manager())
    assert not PeerReview.objects.exists()


def test_a_trained_mentor_is_not_thereby_a_trained_peer_reviewer():
    mentor = TrainingFactory(kind=Training.Kind.MENTOR).user
    with pytest.raises(ValidationError, match="not a trained peer reviewer"):
        peer_review_pair(manager=manager(), reviewer=mentor)


def test_manager_cannot_review_themselves():
    person = TrainingFactory(kind=Training.Kind.PEER_REVIEWER).user
    with pytest.raises(ValidationError, match="cannot review themselves"):
        peer_review_pair(manager=person, reviewer=person)


def test_database_refuses_self_review():
    person = manager()
    with pytest.raises(IntegrityError):
        PeerReview.objects.create(manager=person, reviewer=person)


def test_manager_can_be_paired_with_a_trained_mentor():
    mentor = TrainingFactory(kind=Training.Kind.MENTOR).user
    assert mentoring_pair(mentee=manager(), mentor=mentor, started_on=date(2026, 11, 1)).mentor == mentor


def test_pairing_with_an_untrained_mentor_is_refused():
    reviewer_only = TrainingFactory(kind=Training.Kind.PEER_REVIEWER).user
    with pytest.raises(ValidationError, match="not a trained coach and mentor"):
        mentoring_pair(mentee=manager(), mentor=reviewer_only, started_on=date(2026, 11, 1))
    assert not Mentoring.objects.exists()


def test_attending_a_peer_review_training_day_makes_a_trained_peer_reviewer_from_that_date():
    day = SessionFactory(kind="peer_review_training", starts_at=london(2026, 10, 5, 9), ends_at=london(2026, 10, 5, 16),
                         booking_closes_at=london(2026, 10, 1, 9), cancellation_until=london(2026, 10, 1, 9))
    booking = BookingFactory(session=day)
    attendance_record(bookings=[booking], attended=True)
    training = Training.objects.get(user=booking.user)
    assert (training.kind, training.completed_on) == (Training.Kind.PEER_REVIEWER, date(2026, 10, 5))
    assert peer_review_pair(manager=manager(), reviewer=booking.user)


def test_attending_a_mentoring_training_day_makes_a_trained_mentor():
    booking = BookingFactory(session=SessionFactory(kind="mentoring_training", starts_at=_yesterday()))
    attendance_record(bookings=[booking], attended=True)
    assert Training.objects.get(user=booking.user).kind == Training.Kind.MENTOR


def test_attending_a_peer_support_session_is_not_training():
    booking = BookingFactory(session__starts_at=_yesterday())
    attendance_record(bookings=[booking], attended=True)
    booking.refresh_from_db()
    assert booking.attended is True
    assert not Training.objects.exists()


def test_waitlisted_people_cannot_be_recorded_as_attending_a_training_day():
    booking = BookingFactory(
        session=SessionFactory(kind="mentoring_training", starts_at=_yesterday()), status=Booking.Status.WAITLISTED
    )
    assert attendance_record(bookings=[booking], attended=True) == 0
    assert not Training.objects.exists()


def test_correcting_attendance_to_absent_removes_the_training_it_gave():
    booking = BookingFactory(session=SessionFactory(kind="mentoring_training", starts_at=_yesterday()))
    attendance_record(bookings=[booking], attended=True)
    attendance_record(bookings=[booking], attended=False)
    assert not Training.objects.exists()
