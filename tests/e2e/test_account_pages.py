"""allauth's own pages (password reset, email, password change, two-factor) pass the axe scan too."""

from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import PASSWORD, MembershipFactory


def test_password_reset_page_is_accessible(page):
    page.goto("/accounts/password/reset/")
    assert page.get_by_label("Email").is_visible()
    assert_accessible(page)


def test_account_pages_are_accessible_to_a_member(page):
    membership = MembershipFactory()
    log_in(page, membership.user.email, PASSWORD)
    page.wait_for_url("**/dashboard/")

    for path in ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/account/your-data/"]:
        page.goto(path)
        assert_accessible(page)
