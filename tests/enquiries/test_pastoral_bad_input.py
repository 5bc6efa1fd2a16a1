"""Bad input on the pastoral pages and steps, on PostgreSQL: a clear message, nothing typed lost, never a 500."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from enquiries.models import Enquiry, SupportSession
from enquiries.services import enquiry_record_first_contact
from members.permissions import PASTORAL_SUPPORT
from tests.enquiries.factories import PastoralEnquiryFactory
from tests.enquiries.test_pastoral_pages import PASTORAL_FORM, pastoral_form
from tests.enquiries.triage_support import make_staff

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("about", "everyone", "Tell us whether this is about you"),
        ("topic", "premises", "Select a valid choice"),
        ("topic", "' OR 1=1 --", "Select a valid choice"),
        ("summary", "x" * 201, "The summary must be 200 characters or fewer"),
        ("details", "", "Tell us what is happening"),
    ],
)
def test_a_bad_answer_is_refused_with_a_message_and_the_rest_is_kept(member_client, field, value, message):
    response = member_client.post(PASTORAL_FORM, pastoral_form(**{field: value}))

    page = response.content.decode()
    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert message in page
    if field != "details":
        assert "A patient complained to the GMC" in page


def test_nul_characters_are_removed_not_a_server_error(member_client):
    response = member_client.post(PASTORAL_FORM, pastoral_form(details="I am\x00 worried about the GMC letter"))

    assert response.status_code == 302
    assert Enquiry.objects.get().details == "I am worried about the GMC letter"


def test_widening_sharing_by_editing_the_form_still_makes_an_only_me_request(member_client, other_member):
    member_client.post(PASTORAL_FORM, pastoral_form(sharing="practice", shared_with=[str(other_member.pk)]))

    enquiry = Enquiry.objects.get()
    assert enquiry.sharing == "only_me"
    assert not enquiry.shared_with.exists()


@pytest.mark.parametrize("category", ["'; DROP TABLE x; --", "x" * 5000, "%00"])
def test_a_hand_edited_signposting_filter_shows_the_whole_directory(member_client, category):
    assert member_client.get(reverse("support:signposting"), {"category": category}).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"held_on": "31/02/2026"}, "Enter a real date."),
        ({"held_on": "99999-01-01"}, "Enter a real date."),
        ({}, "Enter the date of the support session."),
    ],
)
def test_a_bad_session_date_is_refused_on_the_form(db, client, data, message):
    officer = make_staff("officer")
    officer.groups.add(Group.objects.get(name=PASTORAL_SUPPORT))
    enquiry = PastoralEnquiryFactory(submitted_at=timezone.now() - timedelta(hours=2))
    enquiry_record_first_contact(enquiry=enquiry, by=officer, method="phone", at=timezone.now() - timedelta(hours=1))
    client.force_login(officer)

    response = client.post(reverse("admin:enquiries_enquiry_step", args=[enquiry.pk, "book_session"]), {"apply": "1", **data})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupportSession.objects.exists()


@pytest.mark.parametrize("allowance", ["0", "53", "99999999999999999999", "six"])
def test_a_bad_allowance_is_refused_on_the_form(db, client, allowance):
    lead = make_staff("lead")
    lead.groups.add(Group.objects.get(name=PASTORAL_SUPPORT))
    enquiry = PastoralEnquiryFactory()
    client.force_login(lead)

    response = client.post(
        reverse("admin:enquiries_enquiry_step", args=[enquiry.pk, "raise_allowance"]),
        {"apply": "1", "session_allowance": allowance, "reason": "More time needed"},
    )

    assert response.status_code == 200
    enquiry.refresh_from_db()
    assert enquiry.session_allowance == 6
    assert "More time needed" in response.content.decode()
