"""The staff side of pastoral support: the journey steps, the allowance, and managing services and signposts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from enquiries.models import EnquirySignpost, Signpost, SignpostCategory, SupportSession
from enquiries.services import enquiry_record_first_contact
from members.permissions import PASTORAL_SUPPORT
from tests.enquiries.factories import EnquiryFactory, PastoralEnquiryFactory
from tests.enquiries.triage_support import make_staff

CHANGELIST = reverse("admin:enquiries_enquiry_changelist")


def step_url(enquiry, name):
    return reverse("admin:enquiries_enquiry_step", args=[enquiry.pk, name])


def in_pastoral_group(user):
    user.groups.add(Group.objects.get(name=PASTORAL_SUPPORT))
    return user


@pytest.fixture
def officer(db):
    return in_pastoral_group(make_staff("officer"))


@pytest.fixture
def lead(db):
    return in_pastoral_group(make_staff("lead"))


@pytest.fixture
def in_support(officer):
    enquiry = PastoralEnquiryFactory(session_allowance=1, submitted_at=timezone.now() - timedelta(hours=3))
    enquiry_record_first_contact(enquiry=enquiry, by=officer, method="phone", at=timezone.now() - timedelta(hours=1))
    return enquiry


def test_changelist_can_be_filtered_by_service(client, officer):
    pastoral = PastoralEnquiryFactory()
    EnquiryFactory()
    client.force_login(officer)

    rows = client.get(CHANGELIST, {"service__id__exact": pastoral.service_id}).context["cl"].result_list

    assert list(rows) == [pastoral]


def test_officer_records_sessions_and_booking_beyond_the_allowance_is_refused_on_the_form(client, officer, in_support):
    client.force_login(officer)
    today = timezone.localdate().isoformat()

    client.post(step_url(in_support, "book_session"), {"apply": "1", "held_on": today})
    refused = client.post(step_url(in_support, "book_session"), {"apply": "1", "held_on": today})

    assert SupportSession.objects.filter(enquiry=in_support).count() == 1
    assert "has had all 1 of its support sessions" in refused.content.decode()


def test_officer_is_not_offered_the_allowance_step_but_the_lead_is(client, officer, lead, in_support):
    change = reverse("admin:enquiries_enquiry_change", args=[in_support.pk])
    client.force_login(officer)
    assert "raise_allowance" not in client.get(change).content.decode()
    assert client.post(step_url(in_support, "raise_allowance"), {"apply": "1"}).status_code == 403

    client.force_login(lead)
    assert "raise_allowance" in client.get(change).content.decode()
    client.post(step_url(in_support, "raise_allowance"), {"apply": "1", "session_allowance": "3", "reason": "Hearing"})

    in_support.refresh_from_db()
    assert in_support.session_allowance == 3
    assert "raised from 1 to 3: Hearing" in client.get(change).content.decode()


def test_session_steps_are_not_offered_on_a_leadership_enquiry(client, lead):
    enquiry = EnquiryFactory()
    client.force_login(make_staff("lead"))

    page = client.get(reverse("admin:enquiries_enquiry_change", args=[enquiry.pk])).content.decode()

    assert "book_session" not in page
    assert "raise_allowance" not in page
    assert "signpost" in page


def test_officer_records_signposting_and_it_is_in_the_history(client, officer, in_support):
    mps = Signpost.objects.create(name="Test Protection Society", category=SignpostCategory.MDO, helps_with="Advice")
    client.force_login(officer)

    client.post(step_url(in_support, "signpost"), {"apply": "1", "signpost": mps.pk})

    assert EnquirySignpost.objects.filter(enquiry=in_support, signpost=mps, recorded_by=officer).exists()
    page = client.get(reverse("admin:enquiries_enquiry_change", args=[in_support.pk])).content.decode()
    assert "Signposted to Test Protection Society" in page


def test_triage_lead_manages_services_and_signposts_and_an_officer_cannot(client, lead):
    services = reverse("admin:enquiries_supportservice_changelist")
    signposts = reverse("admin:enquiries_signpost_add")
    client.force_login(lead)
    assert client.get(services).status_code == 200
    assert client.get(signposts).status_code == 200

    client.force_login(make_staff("officer"))
    assert client.get(services).status_code == 403
    assert client.get(signposts).status_code == 403


def test_lead_changes_the_pastoral_promise_in_the_admin(client, lead):
    from enquiries.models import SupportService

    pastoral = SupportService.objects.get(slug="pastoral")
    client.force_login(lead)
    url = reverse("admin:enquiries_supportservice_change", args=[pastoral.pk])
    data = {
        "name": pastoral.name,
        "position": 2,
        "description": pastoral.description,
        "who_reads": pastoral.who_reads,
        "crisis_contacts": pastoral.crisis_contacts,
        "audience": "person",
        "default_sharing": "only_me",
        "staff_group": pastoral.staff_group_id,
        "reminder_email": "",
        "topics": pastoral.topics,
        "standard_working_days": 3,
        "urgent_hours": 24,
        "close_of_business": "17:00",
        "retention_years": 7,
        "session_allowance": 6,
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    pastoral.refresh_from_db()
    assert (pastoral.standard_working_days, pastoral.retention_years) == (3, 7)


def test_a_service_for_a_person_cannot_be_shared_with_the_practice(client, lead):
    from enquiries.models import SupportService

    pastoral = SupportService.objects.get(slug="pastoral")
    client.force_login(lead)
    url = reverse("admin:enquiries_supportservice_change", args=[pastoral.pk])
    data = {
        "name": pastoral.name, "position": 2, "description": pastoral.description, "audience": "person",
        "default_sharing": "practice", "topics": pastoral.topics, "standard_working_days": 2, "urgent_hours": 24,
        "close_of_business": "17:00", "retention_years": 6, "session_allowance": 6,
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert "only ever seen by that person" in response.content.decode()
