"""An early-career GP finds their Training Hub, opens the template email and enrols in a
Next Generation GP cohort: axe-clean, at desktop width and at 390 px with no sideways scrolling."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from members.models import Membership
from programmes.models import Enrolment
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory
from tests.programmes.factories import CohortFactory, HubOfferFactory, NhsAreaFactory, TrainingHubFactory


def assert_no_sideways_scroll(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"The page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width", [1280, 390])
def test_early_career_gp_finds_their_hub_opens_the_template_email_and_enrols(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    area = NhsAreaFactory(name="Greater Preston")
    hub = TrainingHubFactory(
        name="Lancashire and South Cumbria Training Hub (Central Lancashire)",
        web_address="https://traininghub.example.org/central-lancashire/leadership-and-management",
        email="central.lancashire.leadership@traininghub.example.org",
        areas=[area],
    )
    HubOfferFactory(hub=hub, category="elearning", title="Leadership foundations")
    cohort = CohortFactory(name="Next Generation GP: Preston, first cohort", capacity=1)
    gp = MembershipFactory(
        role=Membership.Role.GP_TRAINEE, practice=PracticeFactory(name="Riverside Medical Practice", area=area),
        user__first_name="Ben", user__last_name="Okoro",
    ).user

    log_in(page, gp.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    if width < 992:
        page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("link", name="Leadership development").click()
    page.wait_for_url("**/programme/leadership/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leadership development")
    expect(page.get_by_test_id("training-hub")).to_contain_text(hub.name)
    expect(page.get_by_test_id("hub-offers")).to_contain_text("eLearning")
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    page.get_by_text("see the template email").click()
    body = page.get_by_label("Email", exact=True)
    expect(body).to_be_visible()
    expect(body).to_have_value(re.compile("I am Ben Okoro, a GP trainee or early-career GP at Riverside Medical Practice"))
    mailto = page.get_by_test_id("hub-mailto").get_attribute("href")
    link = urlsplit(mailto)
    assert (link.scheme, link.path) == ("mailto", hub.email)
    assert "Ben Okoro" in parse_qs(link.query)["body"][0]
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    card = page.get_by_test_id(f"cohort-{cohort.pk}")
    expect(card).to_contain_text("1 of 1 place left")
    card.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("status").first).to_contain_text("You are enrolled in")
    expect(page.get_by_test_id(f"enrolment-{cohort.pk}")).to_contain_text("Enrolled")
    expect(page.get_by_role("link", name="Add every session to your calendar")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    assert Enrolment.objects.get(user=gp).status == Enrolment.Status.CONFIRMED


@pytest.mark.parametrize("width", [1280, 390])
def test_member_registers_an_interest_and_sees_an_ally_in_their_area(page, width):
    from programmes.services import leadership_interest_save

    page.set_viewport_size({"width": width, "height": 900})
    area = NhsAreaFactory(name="Greater Preston")
    ally = MembershipFactory(
        role=Membership.Role.GP_PARTNER, practice=PracticeFactory(name="Ribble View Surgery", area=area),
        user__first_name="Helen", user__last_name="Price",
    )
    leadership_interest_save(
        user=ally.user, practice_id=ally.practice_id, take_part=False, co_facilitate=True, lead=True, name_visible=True
    )
    member = MembershipFactory(role=Membership.Role.SALARIED_GP, practice=PracticeFactory(area=area)).user

    log_in(page, member.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/programme/leadership/")
    page.get_by_role("link", name="Register your interest").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register your interest")
    page.get_by_role("button", name="Save your interest").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one way you are interested.")
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    page.get_by_label("Co-facilitating a programme").check()
    page.get_by_label("Show my name and practice").check()
    page.get_by_role("button", name="Save your interest").click()
    expect(page.get_by_role("status").first).to_contain_text("Your interest is saved")
    expect(page.get_by_test_id("allies")).to_contain_text("Helen Price, Ribble View Surgery")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
