from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import PASSWORD, MembershipFactory


def test_demo_member_logs_in_and_sees_their_practice(page, tmp_path):
    membership = MembershipFactory(practice__name="Riverside Medical Practice", practice__ods_code="P81001")

    log_in(page, membership.user.email, PASSWORD)

    page.wait_for_url("**/dashboard/")
    practices = page.get_by_test_id("practices")
    assert "Riverside Medical Practice" in practices.inner_text()
    assert "P81001" in practices.inner_text()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert (tmp_path / "dashboard.png").stat().st_size > 0
    assert_accessible(page)


def test_login_page_is_accessible(page):
    page.goto("/accounts/login/")
    assert_accessible(page)
