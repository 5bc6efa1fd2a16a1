"""A salaried GP asks for pastoral support; a pastoral officer sees it where an ordinary officer does not."""

import re

from django.contrib.auth.models import Group

from enquiries.models import Enquiry
from members.models import Membership
from members.permissions import OFFICERS, PASTORAL_SUPPORT
from tests.conftest import give_totp
from tests.e2e.conftest import assert_accessible, log_in
from tests.e2e.test_triage import log_in_with_totp
from tests.factories import PASSWORD, MembershipFactory, StaffFactory


def test_salaried_gp_asks_for_pastoral_support_and_only_the_pastoral_team_sees_it(page, browser, live_server):
    gp = MembershipFactory(
        practice__name="Riverside Medical Practice", practice__ods_code="P81001", role=Membership.Role.SALARIED_GP
    ).user
    log_in(page, gp.email, PASSWORD)
    page.wait_for_url("**/dashboard/")

    page.goto("/support/")
    assert_accessible(page)
    page.get_by_role("link", name="Ask for pastoral and professional support").click()
    page.wait_for_url("**/enquiries/new/pastoral/")
    crisis = page.get_by_test_id("crisis-contacts")
    for contact in ("NHS Practitioner Health", "116 123", "NHS 111"):
        assert contact in crisis.inner_text()
    assert "pastoral support team" in page.get_by_test_id("who-reads").inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Send to the LMC").click()
    page.locator("[data-error-summary]").wait_for()
    assert "Tell us whether this is about you" in page.locator("[data-error-summary]").inner_text()
    assert_accessible(page)

    page.locator("input[name=about][value=self]").check()
    page.get_by_label("GMC enquiry or investigation").check()
    page.get_by_label("Summary").fill("The GMC has written to me about a complaint")
    page.get_by_label("Tell us more").fill("I had a letter this morning and do not know who to talk to.")
    page.get_by_role("button", name="Send to the LMC").click()
    page.wait_for_url(re.compile(r".*/enquiries/PPS-\d{4}-\d{5}/sent/$"))
    enquiry = Enquiry.objects.get()
    assert enquiry.service.slug == "pastoral"
    assert enquiry.sharing == "only_me"
    assert_accessible(page)

    pastoral_officer = StaffFactory(groups=[OFFICERS])
    pastoral_officer.groups.add(Group.objects.get(name=PASTORAL_SUPPORT))
    ordinary_officer = StaffFactory(groups=[OFFICERS])
    for officer, sees in ((pastoral_officer, True), (ordinary_officer, False)):
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-GB")
        staff_page = context.new_page()
        log_in_with_totp(staff_page, officer, give_totp(officer))
        staff_page.goto("/admin/enquiries/enquiry/")
        assert (enquiry.reference in staff_page.locator("#content").inner_text()) is sees
        assert_accessible(staff_page)
        context.close()
