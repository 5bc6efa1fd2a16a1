"""A practice member asks for urgent support and is told, before sending, when they will hear back."""

import re
from datetime import timedelta

from django.utils import timezone

from enquiries.models import Enquiry
from enquiries.sla import LONDON, describe_date, describe_due
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import PASSWORD, MembershipFactory


def test_member_submits_urgent_enquiry_and_sees_the_promised_time_first(page):
    membership = MembershipFactory(practice__name="Riverside Medical Practice", practice__ods_code="P81001")
    log_in(page, membership.user.email, PASSWORD)
    page.wait_for_url("**/dashboard/")

    page.goto("/enquiries/")
    assert_accessible(page)
    page.get_by_role("link", name="Request support").first.click()
    page.wait_for_url("**/enquiries/new/")
    preview = page.get_by_test_id("due-preview")
    assert "If you send this now, an LMC officer will contact you by 5pm" in preview.inner_text()
    assert not page.get_by_label("Why is it urgent?").is_visible()  # only asked when urgent
    assert_accessible(page)

    # Sending it empty: the errors are listed at the top and focused.
    page.get_by_role("button", name="Send to the LMC").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert "Choose what your enquiry is about" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert_accessible(page)

    page.get_by_label("Partnership performance and dispute").check()
    page.get_by_label("Summary").fill("Senior partner has resigned with immediate effect")
    page.get_by_label("Tell us more").fill("Two of three partners have left; we may not be able to open next week.")
    page.get_by_label("This is urgent").check()
    expected_day = describe_date((timezone.now() + timedelta(hours=48)).astimezone(LONDON).date())
    page.wait_for_function(
        "document.querySelector('[data-testid=due-preview]').textContent.startsWith('Urgent:')"
    )
    promised = preview.inner_text()
    assert promised.startswith("Urgent: if you send this now, an LMC officer will contact you by ")
    assert expected_day in promised
    page.get_by_label("Why is it urgent?").fill("The practice may not be able to open on Monday.")
    assert_accessible(page)

    page.get_by_role("button", name="Send to the LMC").click()
    page.wait_for_url(re.compile(r".*/enquiries/LMS-\d{4}-\d{5}/sent/$"))

    enquiry = Enquiry.objects.get()
    assert page.get_by_test_id("reference").inner_text() == enquiry.reference
    assert enquiry.urgent
    due_words = describe_due(enquiry.first_contact_due_at, now=enquiry.submitted_at)
    assert due_words in page.get_by_test_id("promise").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="See this enquiry").click()
    page.wait_for_url(f"**/enquiries/{enquiry.reference}/")
    assert "Received by the LMC" in page.get_by_test_id("timeline").inner_text()
    assert_accessible(page)


def test_double_click_on_send_makes_one_enquiry(page):
    membership = MembershipFactory()
    log_in(page, membership.user.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/enquiries/new/")
    page.get_by_label("Succession planning").check()
    page.get_by_label("Summary").fill("Our senior partner retires in March")
    page.get_by_label("Tell us more").fill("Nobody has agreed to take on the partnership share.")

    page.get_by_role("button", name="Send to the LMC").dblclick()

    page.wait_for_url(re.compile(r".*/enquiries/LMS-\d{4}-\d{5}/sent/$"))
    assert Enquiry.objects.count() == 1
    assert "by 5pm on" in page.get_by_test_id("promise").inner_text()
