from playwright.sync_api import expect

from programmes.models import PeerReview, Training
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import PASSWORD, MembershipFactory
from tests.programmes.factories import TrainingFactory


def test_manager_adds_a_goal_to_their_development_plan(page):
    manager = MembershipFactory().user
    reviewer = TrainingFactory(kind=Training.Kind.PEER_REVIEWER, user__first_name="Gareth", user__last_name="Jones").user
    review = PeerReview.objects.create(manager=manager, reviewer=reviewer)

    log_in(page, manager.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/programme/")
    page.get_by_role("link", name="Your development plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your development plan")
    assert_accessible(page)

    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Goal").fill("Lead the clinical system migration")
    page.get_by_label("Why").fill("It is the practice's biggest risk this year.")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date you aim to achieve this by.")
    expect(page.get_by_label("Goal")).to_have_value("Lead the clinical system migration")
    assert_accessible(page)

    page.get_by_label("Target date").fill("2027-03-31")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_role("table")).to_contain_text("Lead the clinical system migration")
    expect(page.get_by_role("table")).to_contain_text("31 March 2027")
    assert_accessible(page)
    assert review.goals.count() == 1
