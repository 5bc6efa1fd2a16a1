"""The pages satisfy the Content-Security-Policy in a real browser (no bypass)."""

import pytest

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, MembershipFactory, StaffFactory


@pytest.fixture
def strict_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda message: page.csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()


def test_member_pages_run_without_csp_violations(strict_page):
    from tests.voice.factories import survey_with_questions

    membership = MembershipFactory()
    survey = survey_with_questions()

    log_in(strict_page, membership.user.email, PASSWORD)
    strict_page.wait_for_url("**/dashboard/")
    for path in ["/dashboard/", "/enquiries/", "/levies/", "/programme/", "/accounts/email/", "/voice/", f"/voice/{survey.pk}/"]:
        strict_page.goto(path)

    assert strict_page.csp_errors == []


def test_admin_pages_run_without_csp_violations(strict_page, settings):
    settings.LMC_STAFF_MFA_REQUIRED = False
    staff = StaffFactory(is_superuser=True)

    log_in(strict_page, staff.email, PASSWORD)
    strict_page.wait_for_url("**/dashboard/")
    from tests.voice.factories import survey_with_questions

    survey = survey_with_questions()
    for path in [
        "/admin/",
        "/admin/members/practice/",
        "/admin/members/user/add/",
        "/admin/voice/survey/",
        f"/admin/voice/survey/{survey.pk}/change/",
        f"/admin/voice/survey/{survey.pk}/results/",
        f"/admin/voice/survey/{survey.pk}/preview/",
    ]:
        strict_page.goto(path)

    assert strict_page.csp_errors == []
