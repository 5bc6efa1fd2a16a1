"""An officer declares a conflict of interest in the admin, and the enquiry disappears from their triage list."""

from enquiries.models import ConflictOfInterest
from members.permissions import OFFICERS, TRIAGE_LEAD
from tests.conftest import give_totp
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_triage import log_in_with_totp
from tests.enquiries.factories import EnquiryFactory
from tests.factories import MembershipFactory, PracticeFactory, StaffFactory


def test_officer_declares_a_conflict_and_no_longer_sees_the_practices_enquiry(page):
    officer = StaffFactory(groups=[OFFICERS])
    secret = give_totp(officer)
    practice = PracticeFactory(name="Riverside Conflict Surgery")
    enquiry = EnquiryFactory(practice=practice, summary="Partners quarrel")
    log_in_with_totp(page, officer, secret)

    page.goto("/admin/enquiries/enquiry/")
    assert enquiry.reference in page.content()

    page.goto("/admin/enquiries/conflictofinterest/add/")
    assert_accessible(page)
    page.get_by_label("Practice (or choose a PCN below)").select_option(label=str(practice))
    page.get_by_label("Reason").fill("My spouse is the practice manager there.")
    page.get_by_role("button", name="Save", exact=True).click()

    page.wait_for_url("**/conflictofinterest/")
    assert ConflictOfInterest.objects.filter(officer=officer, practice=practice).exists()
    assert_accessible(page)
    page.goto("/admin/enquiries/enquiry/")
    assert enquiry.reference not in page.content()


def test_triage_leads_conflicts_page_is_accessible(page):
    lead = StaffFactory(groups=[TRIAGE_LEAD])
    secret = give_totp(lead)
    officer = StaffFactory(groups=[OFFICERS])
    MembershipFactory(user=officer, practice=PracticeFactory(name="Automatic Surgery"))
    log_in_with_totp(page, lead, secret)

    page.goto("/admin/enquiries/conflictofinterest/")
    assert "Automatic Surgery" in page.content()
    assert_accessible(page)
