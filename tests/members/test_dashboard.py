"""The member dashboard answers "what needs me?": each kind of item for the member, none of another practice's."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enquiries.models import EnquiryMessage
from programmes import services as programme_services
from programmes.models import Goal, Training
from tests.enquiries.factories import EnquiryFactory
from tests.factories import MembershipFactory, PracticeFactory
from tests.programmes.factories import BookingFactory, EnrolmentFactory, TrainingFactory


def everything_for(membership, label: str):
    """An open overdue enquiry with a reply from the LMC, a booking, a cohort place and a goal due soon."""
    user, practice = membership.user, membership.practice
    now = timezone.now()
    enquiry = EnquiryFactory(
        practice=practice, submitted_by=user, summary=f"{label} summary",
        submitted_at=now - timedelta(days=10), first_contact_due_at=now - timedelta(days=3),
    )
    EnquiryMessage.objects.create(enquiry=enquiry, author=None, from_lmc=True, text=f"{label} reply", created_at=now)
    BookingFactory(user=user, session__title=f"{label} peer support")
    EnrolmentFactory(user=user, cohort__name=f"{label} cohort")
    reviewer = TrainingFactory(kind=Training.Kind.PEER_REVIEWER).user
    review = programme_services.peer_review_pair(manager=user, reviewer=reviewer)
    Goal.objects.create(review=review, what=f"{label} goal", why="Because", target_date=timezone.localdate() + timedelta(days=7))
    return enquiry


@pytest.fixture
def ours(db):
    return MembershipFactory(practice__name="Riverside Medical Practice", role="practice_manager")


@pytest.fixture
def theirs(db):
    return MembershipFactory(practice=PracticeFactory(name="Bee Surgery"), role="practice_manager")


def test_dashboard_shows_each_kind_of_item_for_the_member_and_none_of_another_practice(client, ours, theirs):
    mine = everything_for(ours, "Ours")
    others = everything_for(theirs, "Theirs")
    client.force_login(ours.user)

    page = client.get(reverse("members:dashboard")).content.decode()

    assert mine.reference in page
    assert "Overdue, sorry" in page
    assert "New message from the LMC" in page
    assert "Ours peer support" in page
    assert "Ours cohort" in page
    assert page.count("Add to calendar") >= 2
    assert "Ours goal" in page
    assert 'data-testid="dashboard-levy"' in page
    assert "Riverside Medical Practice" in page
    assert 'data-testid="voice-card"' in page
    for secret in (others.reference, "Theirs", "Bee Surgery"):
        assert secret not in page


def test_dashboard_promises_a_time_for_an_enquiry_on_track(client, ours):
    now = timezone.now()
    EnquiryFactory(practice=ours.practice, submitted_by=ours.user, submitted_at=now, first_contact_due_at=now + timedelta(days=5))
    client.force_login(ours.user)

    page = client.get(reverse("members:dashboard")).content.decode()

    card = page.split('data-testid="dashboard-enquiries"')[1].split("Request support")[0]
    assert "We'll contact you by" in card, card
    assert "Overdue" not in card, card


def test_dashboard_queries_do_not_grow_with_practices_or_items(client, ours, django_assert_max_num_queries):
    everything_for(ours, "Ours")
    for _ in range(5):
        membership = MembershipFactory(user=ours.user)
        EnquiryFactory(practice=membership.practice, submitted_by=ours.user)
        BookingFactory(user=ours.user)
    client.force_login(ours.user)

    # 13 as in tests/members/test_login.py, plus the count once more enquiries are open than are shown.
    with django_assert_max_num_queries(14):
        client.get(reverse("members:dashboard"))


def test_a_goal_far_off_is_not_due_soon(client, ours):
    reviewer = TrainingFactory(kind=Training.Kind.PEER_REVIEWER).user
    review = programme_services.peer_review_pair(manager=ours.user, reviewer=reviewer)
    Goal.objects.create(review=review, what="Far-off goal", why="Because", target_date=date.today() + timedelta(days=200))
    client.force_login(ours.user)

    assert "Far-off goal" not in client.get(reverse("members:dashboard")).content.decode()
