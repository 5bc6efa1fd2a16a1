"""The urgent promise follows LMC_URGENT_HOURS everywhere it is written (issue 13 item 3)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from enquiries import sla
from enquiries.forms import EnquiryForm
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.triage_support import admin_client, london

pytestmark = pytest.mark.django_db


def test_form_promises_the_urgent_hours_from_the_setting(settings, practice):
    settings.LMC_URGENT_HOURS = 24
    label = EnquiryForm(practices=[practice]).fields["urgent"].label
    assert "within 24 hours" in label
    assert "48" not in label


def test_form_promises_48_hours_by_default(practice):
    assert "within 48 hours" in EnquiryForm(practices=[practice]).fields["urgent"].label


def test_triage_admin_says_the_urgent_hours_of_the_enquirys_service(client):
    # Since issue 15 the promise is the service's (Leadership's was migrated from LMC_URGENT_HOURS).
    from enquiries.models import SupportService

    SupportService.objects.filter(slug="leadership").update(urgent_hours=24)
    submitted = london(2026, 11, 23, 9, 0)
    enquiry = EnquiryFactory(
        urgent=True,
        urgent_reason="A partner has left.",
        submitted_at=submitted,
        first_contact_due_at=submitted + timedelta(hours=24),
    )
    page = admin_client(client, "officer").get(reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]))
    assert "Yes: first contact due within 24 hours" in page.content.decode()
    assert "48 hours" not in page.content.decode()


def test_urgent_due_time_and_promise_read_the_same_setting(settings):
    settings.LMC_URGENT_HOURS = 24
    submitted = london(2026, 11, 23, 9, 0)
    assert sla.first_contact_due(submitted, urgent=True) == submitted + timedelta(hours=24)
    assert sla.urgent_promise() == "within 24 hours"
