"""The admin index starts with "needs you now", counted through the staff visibility selector."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enquiries.models import EnquiryMessage
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.triage_support import admin_client
from tests.factories import MembershipFactory, PracticeFactory

pytestmark = pytest.mark.django_db


def breached_at(practice):
    now = timezone.now()
    return EnquiryFactory(practice=practice, submitted_at=now - timedelta(days=10), first_contact_due_at=now - timedelta(days=2))


def needs_you_now(page: str) -> str:
    return page.split('id="needs-you-now"')[1].split("</div>")[0]


def test_admin_index_counts_breached_unassigned_and_waiting_messages(client):
    enquiry = breached_at(PracticeFactory())
    EnquiryMessage.objects.create(enquiry=enquiry, author=enquiry.submitted_by, from_lmc=False, text="Hello?", created_at=timezone.now())

    panel = needs_you_now(admin_client(client, "officer").get("/admin/").content.decode())

    assert "1 breached" in panel
    assert "1 unassigned" in panel
    assert "1 with a message waiting" in panel


def test_admin_index_does_not_count_a_conflicted_practice(client):
    officer_client = admin_client(client, "officer")
    own_practice = PracticeFactory()
    MembershipFactory(user=officer_client.user, practice=own_practice)
    breached_at(own_practice)

    panel = needs_you_now(officer_client.get("/admin/").content.decode())

    assert "0 breached" in panel
    assert "0 unassigned" in panel
