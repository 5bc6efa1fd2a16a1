"""A login page left open until its form expired offers a fresh login form, axe-clean; the 404 page too."""

from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, MembershipFactory


def test_expired_login_form_offers_a_fresh_one_that_works(page, settings):
    member = MembershipFactory().user
    page.goto("/accounts/login/")
    page.context.clear_cookies()  # the CSRF cookie is gone, as after a browser restart
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("heading", name="Log in again").wait_for()
    assert settings.LMC_PHONE in page.content()
    assert_accessible(page)
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")


def test_404_page_is_accessible_and_gives_the_contact_details(page, settings):
    response = page.goto("/no-such-page/")

    assert response.status == 404
    assert settings.LMC_EMAIL in page.content()
    assert_accessible(page)
