"""A partner sends an "only me" partnership enquiry; a colleague sees nothing of it; the partner
and the officer exchange a message with a PDF. Every page is scanned with axe-core."""

from pathlib import Path

from enquiries.models import Enquiry, EnquiryFile, EnquiryMessage
from members.models import Membership
from members.permissions import OFFICERS
from tests.conftest import give_totp
from tests.e2e.conftest import assert_accessible, log_in
from tests.e2e.test_triage import log_in_with_totp
from tests.enquiries.conversation_support import PDF
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory, StaffFactory


def _log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    if page.get_by_role("button", name="Sign Out").count():
        page.get_by_role("button", name="Sign Out").click()
    page.context.clear_cookies()


def test_only_me_partnership_enquiry_and_a_conversation_with_a_pdf(page, tmp_path: Path):
    practice = PracticeFactory(name="Riverside Medical Practice")
    partner = MembershipFactory(
        practice=practice, role=Membership.Role.GP_PARTNER, user__first_name="Tom", user__last_name="Hughes"
    ).user
    colleague = MembershipFactory(practice=practice, user__first_name="Priya", user__last_name="Shah").user
    officer = StaffFactory(groups=[OFFICERS], first_name="Olivia", last_name="Officer")
    secret = give_totp(officer)
    pdf = tmp_path / "partnership-agreement.pdf"
    pdf.write_bytes(PDF)

    # The partner sends it, keeping the default: only me.
    log_in(page, partner.email, PASSWORD)
    page.goto("/enquiries/new/")
    assert page.get_by_label("Only me").is_checked()
    page.get_by_label("Partnership performance and dispute").check()
    page.get_by_label("Summary").fill("My co-partner is taking more than the agreed drawings")
    page.get_by_label("Tell us more").fill("The drawings do not match our partnership agreement.")
    assert_accessible(page)
    page.get_by_role("button", name="Send to the LMC").click()
    page.get_by_text("Enquiry sent").wait_for()
    enquiry = Enquiry.objects.get()
    assert enquiry.sharing == "only_me"
    _log_out(page)

    # The colleague sees nothing of it: not in the list, not by its address, not on the dashboard.
    log_in(page, colleague.email, PASSWORD)
    page.goto("/dashboard/")
    assert "No open enquiries you can see" in page.content()
    page.goto("/enquiries/")
    assert enquiry.reference not in page.content()
    assert "drawings" not in page.content()
    response = page.goto(f"/enquiries/{enquiry.reference}/")
    assert response.status == 404
    assert enquiry.reference not in page.content()
    assert_accessible(page)
    _log_out(page)

    # The partner writes to the LMC with a PDF.
    log_in(page, partner.email, PASSWORD)
    page.goto(f"/enquiries/{enquiry.reference}/")
    page.get_by_label("Your message").fill("Here is our partnership agreement.")
    page.get_by_label("Attach documents (optional)").set_input_files(str(pdf))
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Message sent").wait_for()
    assert_accessible(page)
    assert EnquiryFile.objects.get().kind == "pdf"
    _log_out(page)

    # The officer reads it in the admin (marked new), downloads the PDF and replies with one.
    log_in_with_totp(page, officer, secret)
    page.goto(f"/admin/enquiries/enquiry/{enquiry.pk}/change/")
    assert "Here is our partnership agreement." in page.content()
    assert page.locator(".triage-new").count() == 1
    with page.expect_download() as download:
        page.get_by_role("link", name="partnership-agreement.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    page.get_by_role("link", name="Write to the practice").click()
    assert_accessible(page)
    page.get_by_label("Message to the practice").fill("Thank you. Here is a note of the options.")
    page.get_by_label("Attach documents (optional)").set_input_files(str(pdf))
    page.get_by_role("button", name="Send to the practice").click()
    page.get_by_text("Message sent on").wait_for()
    assert EnquiryMessage.objects.filter(from_lmc=True).count() == 1
    page.context.clear_cookies()

    # The partner sees the reply and its document.
    log_in(page, partner.email, PASSWORD)
    page.goto(f"/enquiries/{enquiry.reference}/")
    conversation = page.get_by_test_id("conversation").inner_text()
    assert conversation.index("Here is our partnership agreement.") < conversation.index("Here is a note of the options")
    assert "Your LMC officer" in conversation
    with page.expect_download() as download:
        page.get_by_test_id("conversation").get_by_role("link", name="partnership-agreement.pdf").last.click()
    assert Path(download.value.path()).read_bytes() == PDF
    assert_accessible(page)
