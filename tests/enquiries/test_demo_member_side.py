"""The demo shows the member's side: an only-me dispute, a shared enquiry with a conversation and a document."""

import pytest
from django.core.management import call_command

from enquiries.models import EnquiryFile, Sharing
from enquiries.selectors import enquiry_list_for_member
from members.models import User


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=None)


def _user(email):
    return User.objects.get(email=email)


def test_the_partners_dispute_is_only_theirs(demo):
    partner = _user("partner@riverside.example.org")
    manager = _user("manager@riverside.example.org")
    dispute = enquiry_list_for_member(user=partner).get(summary__startswith="Partners cannot agree")

    assert dispute.sharing == Sharing.ONLY_ME
    assert not enquiry_list_for_member(user=manager).filter(pk=dispute.pk).exists()


def test_the_premises_enquiry_is_shared_and_has_a_conversation_with_a_pdf(demo):
    partner = _user("partner@riverside.example.org")
    premises = enquiry_list_for_member(user=partner).get(summary__startswith="Landlord")

    assert premises.messages.filter(from_lmc=True).exists()
    assert EnquiryFile.objects.filter(message__enquiry=premises, kind="pdf").exists()
    assert premises.plan_published_at is not None
