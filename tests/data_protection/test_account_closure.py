import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from enquiries.models import Enquiry
from members.models import Membership
from members.selectors import practices_for_user
from members.services import user_deactivate
from tests.enquiries.factories import EnquiryFactory
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

USERS_ADMIN = "/" + settings.LMC_ADMIN_PATH + "members/user/"


@pytest.fixture
def leaver(practice):
    return MembershipFactory(practice=practice, user__email="leaver@practice.example.org").user


def test_deactivated_member_cannot_log_in(client, leaver):
    user_deactivate(user=leaver)

    client.post("/accounts/login/", {"login": leaver.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session


def test_deactivating_ends_the_members_open_sessions(client, leaver, member):
    client.force_login(leaver)
    other_browser = client.__class__()
    other_browser.force_login(member)

    assert user_deactivate(user=leaver) == 1

    assert client.get("/dashboard/").status_code == 302  # back to the login page
    assert Session.objects.count() == 1  # the colleague stays logged in
    assert other_browser.get("/dashboard/").status_code == 200


def test_deactivating_ends_memberships_but_enquiries_stay_with_the_practice(leaver, member, practice):
    enquiry = EnquiryFactory(practice=practice, submitted_by=leaver)

    user_deactivate(user=leaver)

    assert not Membership.objects.filter(user=leaver, is_active=True).exists()
    enquiry.refresh_from_db()
    assert enquiry.practice == practice
    # The practice's remaining members still see it (the member selectors scope by practice).
    assert enquiry in Enquiry.objects.filter(practice__in=practices_for_user(user=member))


def test_triage_lead_deactivates_through_the_admin_after_confirming(client, triage_lead, leaver, practice):
    client.force_login(triage_lead)

    confirm = client.post(USERS_ADMIN, {"action": "deactivate_left_practice", "_selected_action": [leaver.pk]})
    leaver.refresh_from_db()
    assert confirm.status_code == 200
    assert leaver.is_active
    page = confirm.content.decode()
    assert "Yes, deactivate" in page
    assert practice.name in page
    assert "stay with their practice" in page

    done = client.post(
        USERS_ADMIN, {"action": "deactivate_left_practice", "_selected_action": [leaver.pk], "confirm": "yes"}
    )

    assert done.status_code == 302
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert not leaver.memberships.filter(is_active=True).exists()


def test_officer_without_change_rights_is_not_offered_deactivation(client, officer, leaver):
    client.force_login(officer)

    client.post(USERS_ADMIN, {"action": "deactivate_left_practice", "_selected_action": [leaver.pk], "confirm": "yes"})

    leaver.refresh_from_db()
    assert leaver.is_active


def test_confirmation_warns_when_a_leaving_officer_is_the_last_who_can_see_a_restricted_enquiry(
    client, triage_lead, officer, other_officer
):
    from enquiries.services import enquiry_restrict

    only_them = enquiry_restrict(enquiry=EnquiryFactory(), officers=[officer], by=triage_lead)
    shared = enquiry_restrict(enquiry=EnquiryFactory(), officers=[officer, other_officer], by=triage_lead)
    client.force_login(triage_lead)

    page = client.post(
        USERS_ADMIN, {"action": "deactivate_left_practice", "_selected_action": [officer.pk, triage_lead.pk]}
    ).content.decode()

    assert "No one else who stays could see" in page
    assert only_them.reference in page
    assert shared.reference not in page
