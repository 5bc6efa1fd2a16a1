"""The members' pages of the support services and the signposting directory."""

import uuid

import pytest
from django.urls import reverse

from enquiries.models import Enquiry, Sharing, Signpost, SignpostCategory, SupportService
from tests.factories import MembershipFactory

PASTORAL_FORM = reverse("enquiries:submit_service", kwargs={"slug": "pastoral"})


def pastoral_form(**overrides):
    data = {
        "about": "self",
        "topic": "gmc",
        "summary": "The GMC has written to me",
        "details": "A patient complained to the GMC and I have a letter asking for my comments.",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.fixture
def signposts(db):
    mdu = Signpost.objects.create(
        name="Medical Defence Union (MDU)",
        category=SignpostCategory.MDO,
        helps_with="Medico-legal advice",
        phone="0800 716 646",
        topics=["gmc", "contract"],
        topic_advice="For legal advice, contact your medical defence organisation",
    )
    health = Signpost.objects.create(
        name="NHS Practitioner Health",
        category=SignpostCategory.WELLBEING,
        helps_with="Confidential mental health support for doctors",
        phone="0300 0303 300",
        topics=["wellbeing"],
    )
    return mdu, health


def test_support_page_lists_each_service_with_its_promise(member_client):
    page = member_client.get(reverse("support:services")).content.decode()

    assert "Leadership and Management Support" in page
    assert "Pastoral and professional support" in page
    assert "within 5 working days (by 5pm)" in page
    assert "within 48 hours" in page
    assert "within 2 working days (by 5pm)" in page
    assert "within 24 hours" in page
    assert PASTORAL_FORM in page


def test_pastoral_form_shows_who_reads_it_and_the_crisis_contacts_before_anything_is_typed(member_client):
    page = member_client.get(PASTORAL_FORM).content.decode()

    assert page.index('data-testid="crisis-contacts"') < page.index("data-enquiry-form")
    for contact in ("NHS Practitioner Health", "116 123", "NHS 111"):
        assert contact in page
    assert "pastoral support team reads your request" in page
    assert 'name="about"' in page
    assert "A colleague I am worried about" in page
    assert 'name="sharing"' not in page
    assert 'name="scope"' not in page


def test_crisis_contacts_are_data_staff_can_edit(member_client):
    SupportService.objects.filter(slug="pastoral").update(crisis_contacts="Local GP wellbeing line: 01234 567890")

    page = member_client.get(PASTORAL_FORM).content.decode()

    assert "01234 567890" in page
    assert "116 123" not in page


def test_sending_the_pastoral_form_makes_an_only_me_request(member_client, member):
    response = member_client.post(PASTORAL_FORM, pastoral_form(sharing=Sharing.PRACTICE))

    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert enquiry.service.slug == "pastoral"
    assert enquiry.sharing == Sharing.ONLY_ME
    assert enquiry.reference.startswith("PPS-")
    assert enquiry.about == "self"


def test_pastoral_form_without_an_answer_keeps_what_was_typed_and_says_what_to_fix(member_client):
    response = member_client.post(PASTORAL_FORM, pastoral_form(about=""))

    page = response.content.decode()
    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert "Tell us whether this is about you or about a colleague" in page
    assert "A patient complained to the GMC" in page


def test_the_old_form_address_still_makes_a_leadership_enquiry(member_client):
    from tests.enquiries.test_member_views import form_data

    member_client.post(reverse("enquiries:submit"), form_data())

    assert Enquiry.objects.get().service.slug == "leadership"


def test_an_unknown_service_is_not_found(member_client):
    assert member_client.get(reverse("enquiries:submit_service", kwargs={"slug": "nothing"})).status_code == 404


def test_topic_signposts_appear_beside_the_form(member_client, signposts):
    page = member_client.get(PASTORAL_FORM).content.decode()

    aside = page[page.index('data-testid="topic-signposts"'):]
    gmc = aside[aside.index('data-topic-signposts="gmc"'):]
    assert "For legal advice, contact your medical defence organisation" in gmc.split("</details>")[0]
    assert "NHS Practitioner Health" in aside[aside.index('data-topic-signposts="wellbeing"'):]


def test_signposting_directory_filters_by_category(member_client, signposts):
    everything = member_client.get(reverse("support:signposting")).content.decode()
    wellbeing = member_client.get(reverse("support:signposting"), {"category": "wellbeing"}).content.decode()

    assert "Medical Defence Union" in everything
    assert "NHS Practitioner Health" in everything
    assert "NHS Practitioner Health" in wellbeing
    assert "Medical Defence Union" not in wellbeing
    assert "0300 0303 300" in wellbeing


def test_signposting_filter_shows_everything_for_an_unknown_category(member_client, signposts):
    page = member_client.get(reverse("support:signposting"), {"category": "nonsense"}).content.decode()
    assert "Medical Defence Union" in page
    assert "NHS Practitioner Health" in page


def test_colleague_at_the_practice_sees_no_pastoral_request_on_their_pages(client, member, practice):
    member_client_post = client
    member_client_post.force_login(member)
    member_client_post.post(PASTORAL_FORM, pastoral_form())
    enquiry = Enquiry.objects.get()
    colleague = MembershipFactory(practice=practice).user
    client.force_login(colleague)

    assert enquiry.reference not in client.get(reverse("enquiries:list")).content.decode()
    assert client.get(reverse("enquiries:detail", args=[enquiry.reference])).status_code == 404
