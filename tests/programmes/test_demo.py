import pytest

from members import demo as members_demo
from programmes import demo
from programmes.models import Booking, PeerReview, Session, Training
from programmes.selectors import reviews_for_member, sessions_for_member

pytestmark = pytest.mark.django_db


def test_demo_gives_riverside_manager_bookable_sessions_and_a_development_plan():
    members_demo.seed()
    demo.seed()
    demo.seed()  # idempotent
    manager = members_demo.User.objects.get(email="manager@riverside.example.org")
    sessions = sessions_for_member(user=manager)
    assert {s.area.name for s in sessions} == {"Preston", "Fylde Coast", "Pennine"}
    assert any(s.places_left == 1 for s in sessions)
    review = reviews_for_member(user=manager).get(manager=manager)
    assert review.goals.count() == 3
    assert Training.objects.filter(kind="peer_reviewer", user=review.reviewer).exists()
    assert Training.objects.filter(kind="mentor").count() == 1
    assert PeerReview.objects.count() == 1
    assert Booking.objects.count() == 5
    assert Session.objects.filter(kind="aspiring_group").count() == 3


def test_demo_shows_an_early_career_gp_their_hub_an_open_cohort_and_allies():
    from programmes.models import Cohort, LeadershipInterest
    from programmes.selectors import (
        allies_for_member,
        cohorts_for_member,
        hub_email_for_member,
        training_hubs_for_member,
    )

    members_demo.seed()
    demo.seed()
    demo.seed()  # idempotent
    newgp = members_demo.User.objects.get(email="newgp@riverside.example.org")
    (hub,) = training_hubs_for_member(user=newgp)
    assert {offer.category for offer in hub.offers.all()} == {"one_off", "programme", "shadowing", "elearning"}
    assert "Ben Okoro" in hub_email_for_member(user=newgp, hub=hub).body
    (cohort,) = cohorts_for_member(user=newgp)
    assert cohort.programme.name == "Next Generation GP"
    assert cohort.sessions.count() == 6
    assert cohort.places_left == 10
    assert Cohort.objects.count() == 1
    assert LeadershipInterest.objects.count() == 4
    salaried = members_demo.User.objects.get(email="salaried@riverside.example.org")
    assert [ally.name for ally in allies_for_member(user=salaried)] == ["Helen Price"]
