"""The Practice Manager Development Programme's existing data survives the move to programmes as data."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("programmes", "0003_reminder_schedule")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_existing_sessions_bookings_and_plans_are_kept_and_join_the_practice_manager_programme():
    old = _migrate(BEFORE)
    User = old.get_model("members", "User")
    Area, Session, Booking = (old.get_model("programmes", name) for name in ("Area", "Session", "Booking"))
    PeerReview, Goal = old.get_model("programmes", "PeerReview"), old.get_model("programmes", "Goal")
    manager = User.objects.create(email="manager@old.example.org")
    reviewer = User.objects.create(email="reviewer@old.example.org")
    start = timezone.now() + timedelta(days=10)
    session = Session.objects.create(
        title="Peer support before the change", area=Area.objects.create(name="Old footprint"), venue="Preston",
        starts_at=start, ends_at=start + timedelta(hours=2), capacity=5, booking_closes_at=start - timedelta(days=2),
        cancellation_until=start - timedelta(days=1),
    )
    booking = Booking.objects.create(session=session, user=manager, status="confirmed", confirmed_at=timezone.now())
    review = PeerReview.objects.create(manager=manager, reviewer=reviewer, meeting_notes="Kept")
    goal = Goal.objects.create(review=review, what="Lead the migration", why="Risk", target_date=date(2027, 3, 31))
    before = {
        "booking": Booking.objects.filter(pk=booking.pk).values().get(),
        "session": Session.objects.filter(pk=session.pk).values().get(),
        "goal": Goal.objects.filter(pk=goal.pk).values().get(),
    }

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    Programme = new.get_model("programmes", "Programme")
    NewSession, NewBooking = new.get_model("programmes", "Session"), new.get_model("programmes", "Booking")
    pm = Programme.objects.get(slug="practice-manager-development")
    assert pm.kind == "drop_in"
    assert pm.name == "Practice Manager Development Programme"
    after_session = NewSession.objects.filter(pk=session.pk).values().get()
    assert after_session.pop("programme_id") == pm.pk
    assert after_session == before["session"]
    assert NewBooking.objects.filter(pk=booking.pk).values().get() == before["booking"]
    assert new.get_model("programmes", "Goal").objects.filter(pk=goal.pk).values().get() == before["goal"]
    assert new.get_model("programmes", "PeerReview").objects.get(pk=review.pk).meeting_notes == "Kept"
