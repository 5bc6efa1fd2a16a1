"""`Enquiry.is_restricted` always says whether `restricted_to` names anyone, however the names change."""

import pytest

from enquiries.models import Enquiry
from enquiries.selectors import enquiries_visible_to_staff
from enquiries.services import enquiry_restrict, enquiry_unrestrict
from members.services import user_deactivate
from tests.enquiries.factories import EnquiryFactory

pytestmark = pytest.mark.django_db


def flags_match_names() -> bool:
    rows = Enquiry.objects.values_list("pk", "is_restricted")
    named = set(Enquiry.restricted_to.through.objects.values_list("enquiry_id", flat=True))
    return all(flag == (pk in named) for pk, flag in rows)


@pytest.fixture
def enquiries(db):
    return [EnquiryFactory(), EnquiryFactory()]


def test_restrict_sets_the_flag_and_unrestrict_clears_it(enquiries, officer, triage_lead):
    dispute, ordinary = enquiries
    enquiry_restrict(enquiry=dispute, officers=[officer], by=triage_lead)
    dispute.refresh_from_db()
    assert dispute.is_restricted
    assert flags_match_names()

    enquiry_unrestrict(enquiry=dispute, by=triage_lead)
    dispute.refresh_from_db()
    assert not dispute.is_restricted
    assert flags_match_names()


def test_names_added_or_removed_directly_keep_the_flag_in_step(enquiries, officer, other_officer):
    dispute, ordinary = enquiries
    dispute.restricted_to.add(officer)
    assert flags_match_names()
    officer.restricted_enquiries.add(ordinary)
    assert flags_match_names()
    dispute.restricted_to.remove(officer)
    assert flags_match_names()
    other_officer.restricted_enquiries.add(dispute)
    officer.restricted_enquiries.clear()
    assert flags_match_names()
    dispute.restricted_to.clear()
    assert flags_match_names()
    assert not Enquiry.objects.filter(is_restricted=True).exists()


def test_an_officer_deactivated_stays_named_and_the_enquiry_stays_restricted(enquiries, officer, triage_lead):
    dispute, _ = enquiries
    enquiry_restrict(enquiry=dispute, officers=[officer], by=triage_lead)
    user_deactivate(user=officer)
    dispute.refresh_from_db()
    assert dispute.is_restricted
    assert flags_match_names()


def test_when_every_named_officer_leaves_the_restriction_ends_as_before(enquiries, officer, other_officer, triage_lead):
    dispute, _ = enquiries
    dispute.restricted_to.set([officer, triage_lead])  # named without the service, so no access log keeps them
    officer.delete()
    assert Enquiry.objects.get(pk=dispute.pk).is_restricted
    assert flags_match_names()
    assert dispute not in enquiries_visible_to_staff(user=other_officer)

    triage_lead.delete()  # the last one named: nobody is named, so every officer sees it again
    assert not Enquiry.objects.get(pk=dispute.pk).is_restricted
    assert flags_match_names()
    assert dispute in enquiries_visible_to_staff(user=other_officer)
