"""No accidental duplicates, no lost words: resends, edited resends, the form token, CSRF, and drafts."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enquiries.models import Enquiry, EnquiryDraft, EnquiryMessage
from enquiries.services import enquiry_draft_save, enquiry_drafts_delete_expired
from tests.enquiries.test_member_views import form_data
from tests.factories import PASSWORD, MembershipFactory


def _send(client, **overrides):
    return client.post(reverse("enquiries:submit"), form_data(**overrides))


def test_the_same_words_with_a_new_token_show_the_earlier_reference_and_make_nothing(member_client):
    _send(member_client)
    first = Enquiry.objects.get()

    response = _send(member_client)

    page = response.content.decode()
    assert Enquiry.objects.count() == 1
    assert "You have already sent this enquiry" in page
    assert first.reference in page
    assert "Send it again anyway" in page


def test_send_it_again_anyway_makes_a_second_enquiry(member_client):
    _send(member_client)

    response = _send(member_client, send_again="on")

    assert response.status_code == 302
    assert Enquiry.objects.count() == 2


def test_same_words_a_day_later_are_a_new_enquiry(member_client, member):
    _send(member_client)
    Enquiry.objects.update(submitted_at=timezone.now() - timedelta(hours=25))

    response = _send(member_client)

    assert response.status_code == 302
    assert Enquiry.objects.count() == 2


def test_back_edit_and_send_again_shows_what_changed_and_offers_a_message(member_client):
    data = form_data()
    member_client.post(reverse("enquiries:submit"), data)
    first = Enquiry.objects.get()

    edited = {**data, "details": data["details"] + " They have now also stopped taking calls."}
    response = member_client.post(reverse("enquiries:submit"), edited)

    page = response.content.decode()
    assert Enquiry.objects.count() == 1
    assert first.details == data["details"]
    assert "You have already sent this enquiry" in page
    assert "stopped taking calls" in page  # what changed
    assert reverse("enquiries:message_send", kwargs={"reference": first.reference}) in page
    assert "Enquiry sent" not in page


def test_adding_the_change_as_a_message_puts_it_on_the_enquiry(member_client):
    data = form_data()
    member_client.post(reverse("enquiries:submit"), data)
    first = Enquiry.objects.get()

    response = member_client.post(
        reverse("enquiries:message_send", kwargs={"reference": first.reference}),
        {"text": "Details (changed): They have now also stopped taking calls."},
    )

    assert response.status_code == 302
    assert EnquiryMessage.objects.get(enquiry=first).text.endswith("stopped taking calls.")


@pytest.mark.postgres
def test_a_post_without_the_form_token_makes_nothing_and_keeps_what_was_typed(member_client):
    data = form_data()
    del data["submission_token"]

    first = member_client.post(reverse("enquiries:submit"), data)
    member_client.post(reverse("enquiries:submit"), data)

    page = first.content.decode()
    assert not Enquiry.objects.exists()
    assert "This form had expired" in page
    assert data["details"] in page
    assert 'name="submission_token" value="' in page  # a fresh token, so fixing it and sending is one enquiry


@pytest.mark.postgres
def test_a_post_without_the_csrf_token_is_refused_and_makes_nothing(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("enquiries:submit"), form_data())

    assert response.status_code == 403
    assert not Enquiry.objects.exists()
    assert "The form had expired" in response.content.decode()


def test_no_member_view_is_exempt_from_csrf():
    from django.urls import get_resolver

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern

    exempt = [
        str(p.pattern)
        for p in walk(get_resolver().url_patterns)
        if getattr(p.callback, "csrf_exempt", False) and not str(p.pattern).startswith(("accounts/", "admin"))
    ]
    assert exempt == []


@pytest.mark.postgres
def test_nul_bytes_in_the_enquiry_form_are_dropped_not_a_500(member_client):
    response = _send(member_client, details="Line one\x00line two")

    assert response.status_code == 302
    assert Enquiry.objects.get().details == "Line oneline two"


# --- Drafts -------------------------------------------------------------------


def test_the_form_saves_a_draft_seen_only_by_its_author(member_client, member, practice):
    response = member_client.post(reverse("enquiries:draft_save"), {"summary": "Half a thought", "details": "So far"})

    assert response.json()["saved"] is True
    assert EnquiryDraft.objects.get(author=member).data["details"] == "So far"
    colleague = MembershipFactory(practice=practice).user
    other = Client()
    other.force_login(colleague)
    assert "Half a thought" not in other.get(reverse("enquiries:submit")).content.decode()


def test_a_draft_survives_logout_and_login_and_fills_the_form(client, member):
    client.login(email=member.email, password=PASSWORD)
    client.post(reverse("enquiries:draft_save"), {"summary": "Draft summary", "details": "A long account of it"})
    client.post(reverse("account_logout"))

    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    page = client.get(reverse("enquiries:submit")).content.decode()

    assert "A long account of it" in page
    assert "Draft summary" in page
    assert "We have filled in the form" in page


def test_a_draft_is_gone_after_sending(member_client, member):
    member_client.post(reverse("enquiries:draft_save"), {"summary": "Draft", "details": "Words"})

    _send(member_client)

    assert not EnquiryDraft.objects.filter(author=member).exists()
    assert "Words" not in member_client.get(reverse("enquiries:submit")).content.decode()


def test_drafts_untouched_for_30_days_are_deleted(member):
    enquiry_draft_save(author=member, data={"details": "Old words"}, now=timezone.now() - timedelta(days=31))

    assert enquiry_drafts_delete_expired() == 1
    assert not EnquiryDraft.objects.exists()


def test_a_draft_is_never_put_in_browser_storage():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "static" / "js" / "enquiries.js").read_text()

    assert "localStorage" not in script
    assert "sessionStorage" not in script
    assert "indexedDB" not in script


def test_the_draft_is_deleted_when_the_form_is_emptied(member_client, member):
    member_client.post(reverse("enquiries:draft_save"), {"details": "Words"})
    member_client.post(reverse("enquiries:draft_save"), {"details": ""})

    assert not EnquiryDraft.objects.exists()


def test_anonymous_draft_save_goes_to_log_in(client, db):
    response = client.post(reverse("enquiries:draft_save"), {"details": "x"})

    assert response.status_code == 302
    assert not EnquiryDraft.objects.exists()


def test_a_submission_token_is_one_enquiry_even_when_repeated_with_the_same_words(member_client):
    token = str(uuid.uuid4())

    _send(member_client, submission_token=token)
    response = _send(member_client, submission_token=token)

    assert Enquiry.objects.count() == 1
    assert response.status_code == 302


def test_an_edited_resend_from_a_fresh_form_shows_the_change_too(member_client):
    member_client.post(reverse("enquiries:submit"), form_data())
    first = Enquiry.objects.get()

    response = member_client.post(
        reverse("enquiries:submit"), form_data(details=first.details + " A third receptionist is off sick.")
    )

    page = response.content.decode()
    assert Enquiry.objects.count() == 1
    assert "third receptionist" in page
    assert "Send it again anyway" in page


def test_a_draft_keeps_who_was_chosen_to_see_it(member_client, practice):
    colleague = MembershipFactory(practice=practice).user
    member_client.post(
        reverse("enquiries:draft_save"),
        {"details": "Words", "sharing": "named", "shared_with": [str(colleague.pk)]},
    )

    page = member_client.get(reverse("enquiries:submit")).content.decode()

    assert f'value="{colleague.pk}"' in page
    checkbox = page.split(f'value="{colleague.pk}"', 1)[1][:80]
    assert "checked" in checkbox
