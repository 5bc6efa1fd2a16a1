import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from enquiries.models import AccessAction, Enquiry, EnquiryAccess
from enquiries.selectors import enquiries_visible_to_staff
from enquiries.services import enquiry_restrict, enquiry_unrestrict
from tests.enquiries.factories import EnquiryFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TEST_ADMIN = "/" + settings.LMC_ADMIN_PATH + "enquiries/enquiry/"
EXPORT = TEST_ADMIN + "export/"


@pytest.fixture
def dispute(triage_lead, officer):
    """A partnership dispute restricted to `officer` (and the triage lead who restricted it)."""
    enquiry = EnquiryFactory(summary="Dispute involving a board member", details="Board member Dr Secret")
    return enquiry_restrict(enquiry=enquiry, officers=[officer], by=triage_lead)


@pytest.fixture
def ordinary(db):
    return EnquiryFactory(summary="Premises lease question")


# --- The selector ----------------------------------------------------------------


def test_restricted_enquiry_is_invisible_to_other_officers(dispute, ordinary, other_officer):
    assert list(enquiries_visible_to_staff(user=other_officer)) == [ordinary]


def test_named_officer_sees_the_restricted_enquiry(dispute, ordinary, officer):
    assert set(enquiries_visible_to_staff(user=officer)) == {dispute, ordinary}


def test_triage_lead_who_restricted_it_keeps_access(dispute, triage_lead):
    assert dispute in enquiries_visible_to_staff(user=triage_lead)


def test_superuser_is_not_exempt_from_a_restriction(dispute, ordinary, superuser):
    assert list(enquiries_visible_to_staff(user=superuser)) == [ordinary]


def test_members_and_deactivated_staff_see_nothing_through_the_staff_selector(dispute, ordinary, officer):
    member = MembershipFactory(practice=dispute.practice).user
    officer.is_active = False
    officer.save()

    assert not enquiries_visible_to_staff(user=member).exists()
    assert not enquiries_visible_to_staff(user=officer).exists()


def test_counts_through_the_selector_do_not_double_count_officers(dispute, ordinary, officer, triage_lead):
    # Two people are named on the dispute; a join would count it twice.
    assert enquiries_visible_to_staff(user=officer).count() == 2


def test_selector_narrows_a_given_queryset(dispute, ordinary, officer, other_officer):
    partnership = Enquiry.objects.filter(pk__in=[dispute.pk, ordinary.pk], summary__startswith="Dispute")

    assert list(enquiries_visible_to_staff(user=other_officer, queryset=partnership)) == []
    assert list(enquiries_visible_to_staff(user=officer, queryset=partnership)) == [dispute]


# --- Restricting and lifting -----------------------------------------------------


def test_restricting_is_recorded_in_history_and_the_access_log(dispute, triage_lead, officer):
    latest = dispute.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (triage_lead, "Restricted to named officers")
    entry = EnquiryAccess.objects.get(enquiry=dispute, action=AccessAction.RESTRICTED)
    assert entry.user == triage_lead
    assert str(officer) in entry.note
    assert str(triage_lead) in entry.note


def test_lifting_the_restriction_makes_it_visible_again_and_is_logged(dispute, triage_lead, other_officer):
    enquiry_unrestrict(enquiry=dispute, by=triage_lead)

    assert dispute in enquiries_visible_to_staff(user=other_officer)
    assert EnquiryAccess.objects.filter(enquiry=dispute, action=AccessAction.UNRESTRICTED, user=triage_lead).exists()
    assert dispute.history.latest().history_change_reason == "Restriction lifted"


def test_only_a_triage_lead_can_restrict(officer, other_officer):
    enquiry = EnquiryFactory()

    with pytest.raises(PermissionDenied):
        enquiry_restrict(enquiry=enquiry, officers=[other_officer], by=officer)

    assert not enquiry.restricted_to.exists()


def test_a_triage_lead_not_named_cannot_lift_a_restriction(dispute):
    from members.permissions import OFFICERS, TRIAGE_LEAD
    from tests.factories import StaffFactory

    second_lead = StaffFactory(groups=[OFFICERS, TRIAGE_LEAD])

    with pytest.raises(PermissionDenied):
        enquiry_unrestrict(enquiry=dispute, by=second_lead)


def test_restricting_away_from_the_assigned_officer_is_refused(triage_lead, officer, other_officer):
    enquiry = EnquiryFactory(assigned_to=other_officer)

    with pytest.raises(ValidationError) as error:
        enquiry_restrict(enquiry=enquiry, officers=[officer], by=triage_lead)

    assert "no longer see it" in str(error.value)
    assert not enquiry.restricted_to.exists()


def test_only_active_officers_can_be_named(triage_lead):
    member = MembershipFactory().user
    enquiry = EnquiryFactory()

    with pytest.raises(ValidationError):
        enquiry_restrict(enquiry=enquiry, officers=[member], by=triage_lead)

    assert not enquiry.restricted_to.exists()


# --- Through the admin (changelist, search, change page, export) ------------------


def test_changelist_hides_restricted_enquiry_from_other_officers(client, dispute, ordinary, other_officer):
    client.force_login(other_officer)

    listed = client.get(TEST_ADMIN).context["cl"].result_list

    assert list(listed) == [ordinary]


def test_search_does_not_find_restricted_enquiry_for_other_officers(client, dispute, other_officer, officer):
    # The triage search covers reference, practice name and ODS code.
    client.force_login(other_officer)
    assert list(client.get(TEST_ADMIN, {"q": dispute.reference}).context["cl"].result_list) == []
    assert list(client.get(TEST_ADMIN, {"q": dispute.practice.ods_code}).context["cl"].result_list) == []

    client.force_login(officer)
    assert list(client.get(TEST_ADMIN, {"q": dispute.reference}).context["cl"].result_list) == [dispute]


def test_other_officer_cannot_open_restricted_enquiry_and_nothing_is_logged(client, dispute, other_officer):
    client.force_login(other_officer)

    response = client.get(f"{TEST_ADMIN}{dispute.pk}/change/")

    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert not EnquiryAccess.objects.filter(user=other_officer).exists()


def test_export_by_other_officer_leaves_restricted_enquiry_out(client, dispute, ordinary, other_officer):
    client.force_login(other_officer)

    response = client.get(EXPORT)

    body = response.content.decode()
    assert ordinary.reference in body
    assert dispute.reference not in body
    assert "board member" not in body
    assert not EnquiryAccess.objects.filter(enquiry=dispute, user=other_officer).exists()


def test_triage_lead_restricts_through_the_admin_action(client, triage_lead, officer, other_officer):
    enquiry = EnquiryFactory()
    client.force_login(triage_lead)

    form = client.post(TEST_ADMIN, {"action": "restrict_to_officers", "_selected_action": [enquiry.pk]})
    assert form.status_code == 200
    assert "Officers who may see these enquiries" in form.content.decode()
    done = client.post(
        TEST_ADMIN,
        {"action": "restrict_to_officers", "_selected_action": [enquiry.pk], "apply": "1", "officers": [officer.pk]},
    )

    assert done.status_code == 302
    assert set(enquiry.restricted_to.all()) == {officer, triage_lead}
    assert enquiry not in enquiries_visible_to_staff(user=other_officer)


def test_restrict_action_without_officers_explains_and_changes_nothing(client, triage_lead):
    enquiry = EnquiryFactory()
    client.force_login(triage_lead)

    response = client.post(TEST_ADMIN, {"action": "restrict_to_officers", "_selected_action": [enquiry.pk], "apply": "1"})

    assert response.status_code == 200
    assert "Choose at least one officer" in response.content.decode()
    assert not enquiry.restricted_to.exists()


def test_restrict_action_is_not_offered_to_officers(client, officer):
    EnquiryFactory()
    client.force_login(officer)

    actions = client.get(TEST_ADMIN).context["action_form"].fields["action"].choices

    assert "restrict_to_officers" not in [name for name, _ in actions]


def test_choosing_an_enquiry_for_another_form_offers_no_actions_not_even_restricting(client, triage_lead):
    # The voice admin's "audience enquiry" opens the triage list in a pop-up to pick one enquiry.
    EnquiryFactory()
    client.force_login(triage_lead)

    normal = client.get(TEST_ADMIN).context["action_form"].fields["action"].choices
    popup = client.get(TEST_ADMIN, {"_popup": "1", "_to_field": "id"})

    assert "restrict_to_officers" in [name for name, _ in normal]
    assert popup.status_code == 200
    assert popup.context["action_form"] is None
    assert 'name="action"' not in popup.content.decode()
    assert "restrict_to_officers" not in popup.content.decode()
