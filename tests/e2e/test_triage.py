"""An officer's Monday morning: log in with TOTP, find the breached enquiry, take it, record first contact."""

import time
from datetime import timedelta

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.utils import timezone

from enquiries.models import Enquiry
from members.permissions import OFFICERS
from tests.conftest import give_totp
from tests.e2e.conftest import assert_accessible, log_in
from tests.enquiries.factories import EnquiryFactory
from tests.factories import PASSWORD, StaffFactory


def totp_code(secret: str) -> str:
    """The code the officer's authenticator app shows now (waiting out the last seconds of a period,
    as allauth accepts only the current one)."""
    seconds_left = 30 - time.time() % 30
    if seconds_left < 3:
        time.sleep(seconds_left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def log_in_with_totp(page, user, secret: str) -> None:
    log_in(page, user.email, PASSWORD)
    page.locator("input[name=code]").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/mfa/" not in url and "/login/" not in url)


def test_officer_takes_a_breached_enquiry_and_records_first_contact(page):
    officer = StaffFactory(groups=[OFFICERS], first_name="Olivia", last_name="Officer")
    secret = give_totp(officer)
    now = timezone.now()
    late = EnquiryFactory(
        practice__name="Riverside Medical Practice",
        submitted_at=now - timedelta(days=9),
        first_contact_due_at=now - timedelta(days=2),
    )
    EnquiryFactory(submitted_at=now, first_contact_due_at=now + timedelta(days=5))

    log_in_with_totp(page, officer, secret)

    page.goto("/admin/enquiries/enquiry/")
    assert_accessible(page)
    page.locator("#changelist-filter").get_by_role("link", name="Breached").click()
    page.wait_for_url("**sla=breached**")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert late.reference in rows.first.inner_text()
    assert "Breached" in rows.first.inner_text()

    rows.first.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("take")
    page.get_by_role("button", name="Go").click()
    assert_accessible(page)
    page.get_by_role("button", name="Assign to me").click()
    page.get_by_text(f"{late.reference}: assigned to you.").wait_for()
    assert "Olivia Officer" in page.locator("#result_list tbody tr").first.inner_text()

    page.get_by_role("link", name=late.reference).click()
    assert_accessible(page)
    next_steps = page.get_by_role("navigation", name="Next steps for this enquiry")
    next_steps.get_by_role("link", name="Record first contact").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record first contact").click()  # forgot to say how
    page.get_by_role("alert").get_by_role("link", name="Choose how the first contact was made.").click()
    assert_accessible(page)
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Record first contact").click()
    page.get_by_text(f"{late.reference}: first contact recorded.").wait_for()

    badge = page.locator(".field-sla_badge .sla-badge")
    assert badge.inner_text() == "Missed"
    late.refresh_from_db()
    assert late.assigned_to == officer
    assert late.first_contact_at is not None
    assert Enquiry.history.filter(id=late.pk, history_user=officer).count() == 2


def test_support_overview_is_accessible_and_draws_its_charts(page):
    officer = StaffFactory(groups=[OFFICERS])
    secret = give_totp(officer)
    now = timezone.now()
    EnquiryFactory(submitted_at=now - timedelta(days=9), first_contact_due_at=now - timedelta(days=2))
    log_in_with_totp(page, officer, secret)

    page.goto("/admin/enquiries/enquiry/overview/")
    page.wait_for_function(
        "() => typeof Chart !== 'undefined' && Chart.getChart('compliance-chart') && Chart.getChart('topic-chart')"
    )
    assert_accessible(page)
