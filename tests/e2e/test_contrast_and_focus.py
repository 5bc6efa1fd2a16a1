"""Form control borders and the keyboard focus ring measure at least 3:1, at desktop and phone widths."""

import pytest

from tests.conftest import give_totp
from tests.e2e.conftest import log_in
from tests.e2e.test_triage import log_in_with_totp
from tests.e2e.ux_support import WIDTHS, control_border_contrasts, focus_ring
from tests.factories import PASSWORD, MembershipFactory, StaffFactory


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def sized_page(request, page):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[request.param], strict=True)))
    return page


def assert_visible_focus(ring: dict) -> None:
    assert ring["focused"]
    assert ring["style"] != "none", ring
    assert ring["width"] >= 2, ring
    assert ring["after"] != ring["before"], ring
    assert ring["contrast"] >= 3, ring


def test_login_form_borders_and_focus_ring_are_at_least_3_to_1(sized_page):
    sized_page.goto("/accounts/login/")
    contrasts = control_border_contrasts(sized_page)
    assert contrasts, contrasts
    assert all(ratio >= 3 for _, ratio in contrasts), contrasts
    assert_visible_focus(focus_ring(sized_page, "input[name=login]"))
    assert_visible_focus(focus_ring(sized_page, "button[type=submit]"))


def test_focus_ring_shows_on_the_navy_navigation_bar(sized_page):
    membership = MembershipFactory()
    log_in(sized_page, membership.user.email, PASSWORD)
    sized_page.wait_for_url("**/dashboard/")
    if sized_page.locator(".navbar-toggler").is_visible():
        assert_visible_focus(focus_ring(sized_page, ".navbar-toggler"))
        sized_page.locator(".navbar-toggler").click()
        sized_page.locator("#main-nav.show").wait_for()
    assert_visible_focus(focus_ring(sized_page, ".portal-navbar .nav-link[href*=enquiries]"))
    assert_visible_focus(focus_ring(sized_page, ".portal-navbar .navbar-brand"))


def test_enquiry_form_borders_are_at_least_3_to_1(sized_page):
    membership = MembershipFactory()
    log_in(sized_page, membership.user.email, PASSWORD)
    sized_page.wait_for_url("**/dashboard/")
    sized_page.goto("/enquiries/new/")
    contrasts = control_border_contrasts(sized_page)
    assert contrasts, contrasts
    assert all(ratio >= 3 for _, ratio in contrasts), contrasts


def test_admin_form_borders_and_focus_ring_are_at_least_3_to_1(sized_page):
    from members.permissions import OFFICERS

    officer = StaffFactory(groups=[OFFICERS])
    secret = give_totp(officer)
    log_in_with_totp(sized_page, officer, secret)
    sized_page.goto("/admin/enquiries/enquiry/")
    contrasts = control_border_contrasts(sized_page)
    assert contrasts, contrasts
    assert all(ratio >= 3 for _, ratio in contrasts), contrasts
    assert_visible_focus(focus_ring(sized_page, "#searchbar"))
