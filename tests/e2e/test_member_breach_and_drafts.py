"""The overdue apology, an edited resend, and a draft saved on leaving the page, in the browser (axe-clean)."""

from datetime import timedelta

from django.utils import timezone

from enquiries.models import Enquiry, EnquiryDraft
from tests.e2e.conftest import assert_accessible, log_in
from tests.enquiries.factories import EnquiryFactory
from tests.factories import PASSWORD, MembershipFactory


def test_overdue_enquiry_apologises_and_can_be_chased_once(page, settings):
    member = MembershipFactory().user
    now = timezone.now()
    enquiry = EnquiryFactory(
        practice=member.memberships.get().practice,
        submitted_by=member,
        submitted_at=now - timedelta(days=9),
        first_contact_due_at=now - timedelta(days=2),
    )
    log_in(page, member.email, PASSWORD)

    page.goto(f"/enquiries/{enquiry.reference}/")
    breach = page.get_by_test_id("breach")
    assert "We're sorry" in breach.inner_text()
    assert settings.LMC_PHONE in breach.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Chase this enquiry").click()
    page.get_by_text("We have alerted the LMC's triage lead").wait_for()
    assert page.get_by_role("button", name="Chase this enquiry").count() == 0
    assert_accessible(page)


def test_back_edit_and_send_again_offers_the_change_as_a_message(page):
    member = MembershipFactory().user
    log_in(page, member.email, PASSWORD)
    page.goto("/enquiries/new/")
    page.get_by_label("Workforce").check()
    page.get_by_label("Summary").fill("Our reception team is short-staffed")
    page.get_by_label("Tell us more").fill("Two receptionists have left.")
    page.get_by_role("button", name="Send to the LMC").click()
    page.get_by_text("Enquiry sent").wait_for()

    page.go_back()
    page.get_by_label("Tell us more").fill("Two receptionists have left and a third is off sick.")
    page.get_by_role("button", name="Send to the LMC").click()

    page.get_by_role("heading", name="You have already sent this enquiry").wait_for()
    assert "a third is off sick" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name=f"Add to {Enquiry.objects.get().reference}").click()
    page.get_by_text("Message sent").wait_for()
    assert Enquiry.objects.count() == 1


def test_a_draft_is_saved_on_the_server_when_the_page_is_left(page):
    member = MembershipFactory().user
    log_in(page, member.email, PASSWORD)
    page.goto("/enquiries/new/")
    page.get_by_label("Tell us more").fill("A long account of the dispute, typed slowly.")

    page.goto("/enquiries/")
    page.wait_for_timeout(1500)

    assert EnquiryDraft.objects.get(author=member).data["details"] == "A long account of the dispute, typed slowly."
    assert page.evaluate("() => window.localStorage.length + window.sessionStorage.length") == 0
    page.goto("/enquiries/new/")
    assert page.get_by_label("Tell us more").input_value() == "A long account of the dispute, typed slowly."
    assert_accessible(page)
