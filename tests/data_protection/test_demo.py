import pytest

from enquiries import demo_data_protection
from enquiries.models import EnquiryAccess, RetentionPolicy, Topic
from members import demo as members_demo
from tests.enquiries.factories import EnquiryFactory


@pytest.mark.django_db
def test_demo_restricts_a_partnership_dispute_once_and_sets_longer_contract_retention():
    members_demo.seed()
    dispute = EnquiryFactory(topic=Topic.PARTNERSHIP)

    demo_data_protection.seed()
    demo_data_protection.seed()

    assert {u.email for u in dispute.restricted_to.all()} == {"officer@lmc.example.org", "triage@lmc.example.org"}
    assert EnquiryAccess.objects.filter(enquiry=dispute).count() == 2  # restricted, then viewed
    assert RetentionPolicy.objects.get(topic=Topic.CONTRACT).years_after_closing == 10
