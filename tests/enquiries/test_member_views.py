"""The members' pages: Request support, the confirmation, Our enquiries and the detail page."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from enquiries.models import Enquiry, PcnSupportPause, Scope, Sharing, Status, Topic
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.test_submission import submit
from tests.factories import MembershipFactory, PracticeFactory, StaffFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
MONDAY_11PM = datetime(2026, 11, 23, 23, 0, tzinfo=LONDON)


def form_data(**overrides):
    data = {
        "scope": Scope.PRACTICE,
        "topic": Topic.PARTNERSHIP,
        "summary": "Partners in dispute over profit shares",
        "details": "Since the new financial year two partners have refused to attend meetings.",
        "preferred_contact_times": "After 6pm",
        "contact_phone": "07700 900123",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.fixture
def frozen():
    with time_machine.travel(MONDAY_11PM, tick=False):
        yield


# --- Request support -------------------------------------------------------------


def test_form_promises_the_standard_contact_time_before_anything_is_typed(member_client, frozen):
    response = member_client.get(reverse("enquiries:submit"))

    assert response.status_code == 200
    assert "by 5pm on Monday 30 November 2026" in response.content.decode()


def test_form_does_not_ask_which_practice_when_the_member_has_one(member_client, practice, frozen):
    response = member_client.get(reverse("enquiries:submit"))

    assert 'name="practice"' not in response.content.decode()
    assert practice.name in response.content.decode()


def test_form_offers_only_the_members_own_practices(client, practice, other_practice, frozen):
    second = PracticeFactory()
    user = MembershipFactory(practice=practice).user
    MembershipFactory(user=user, practice=second)
    client.force_login(user)

    page = client.get(reverse("enquiries:submit")).content.decode()

    assert practice.name in page
    assert second.name in page
    assert other_practice.name not in page


def test_form_has_the_confidentiality_statement_and_what_happens_next(member_client, frozen):
    page = member_client.get(reverse("enquiries:submit")).content.decode()

    assert "Who will see this" in page
    assert "What happens next" in page


def test_submitting_the_form_makes_an_enquiry_and_shows_the_reference_and_due_time(member_client, member, frozen):
    response = member_client.post(reverse("enquiries:submit"), form_data(), follow=True)

    enquiry = Enquiry.objects.get()
    assert enquiry.submitted_by == member
    assert response.redirect_chain[-1][0] == reverse("enquiries:submitted", kwargs={"reference": enquiry.reference})
    page = response.content.decode()
    assert enquiry.reference in page
    assert "by 5pm on Monday 30 November 2026" in page


def test_urgent_submission_promises_48_hours(member_client, frozen):
    response = member_client.post(
        reverse("enquiries:submit"),
        form_data(urgent="on", urgent_reason="The senior partner resigned tonight."),
        follow=True,
    )

    assert "by 11pm on Wednesday 25 November 2026" in response.content.decode()


def test_double_submit_makes_one_enquiry_and_both_land_on_its_confirmation(member_client, frozen):
    data = form_data()

    first = member_client.post(reverse("enquiries:submit"), data)
    second = member_client.post(reverse("enquiries:submit"), data)

    assert Enquiry.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_invalid_submit_keeps_everything_typed_and_lists_the_errors(member_client, frozen):
    data = form_data(topic="", urgent="on", urgent_reason="")

    response = member_client.post(reverse("enquiries:submit"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert "There is a problem" in page
    assert 'href="#id_topic_0"' in page
    assert 'href="#id_urgent_reason"' in page
    assert "Tell us why this is urgent" in page
    for typed in (data["summary"], data["details"], data["preferred_contact_times"], data["contact_phone"]):
        assert typed in page
    assert data["submission_token"] in page  # a resend after fixing it is still one enquiry


def test_over_long_summary_is_refused_with_the_limit_and_kept(member_client, frozen):
    summary = "Our PCN clinical director has stepped down. " * 6  # 264 characters

    response = member_client.post(reverse("enquiries:submit"), form_data(summary=summary))

    page = response.content.decode()
    assert not Enquiry.objects.exists()
    assert f"The summary must be 200 characters or fewer. You have written {len(summary.strip())}" in page
    assert summary.strip() in page
    assert "Up to 200 characters" in page  # the limit is stated before they type


def test_over_long_details_are_refused_with_the_limit_and_kept(member_client, frozen):
    details = "a" * 10_050

    response = member_client.post(reverse("enquiries:submit"), form_data(details=details))

    page = response.content.decode()
    assert not Enquiry.objects.exists()
    assert "The details must be 10,000 characters or fewer. You have written 10,050" in page
    assert details in page


def test_member_cannot_submit_for_another_practice_by_editing_the_form(client, practice, other_practice, frozen):
    user = MembershipFactory(practice=practice).user
    MembershipFactory(user=user, practice=PracticeFactory())
    client.force_login(user)

    response = client.post(reverse("enquiries:submit"), form_data(practice=other_practice.pk))

    assert response.status_code == 200
    assert "Choose one of your own practices" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_pcn_scope_from_a_practice_without_a_pcn_is_explained_on_the_form(client, db, frozen):
    practice = PracticeFactory(pcn=None)
    client.force_login(MembershipFactory(practice=practice).user)

    response = client.post(reverse("enquiries:submit"), form_data(scope=Scope.PCN))

    assert "We do not have your practice in a PCN" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_pause_notice_is_at_the_top_of_the_form(member_client, frozen):
    PcnSupportPause.objects.create(message="Our PCN team is at capacity until January.", started_at=MONDAY_11PM)

    page = member_client.get(reverse("enquiries:submit")).content.decode()

    assert page.index("Our PCN team is at capacity until January.") < page.index("<form method=\"post\" novalidate")


# --- Due-time preview (JSON) -------------------------------------------------------


def test_preview_gives_the_urgent_promise_from_the_server(member_client, frozen):
    data = member_client.get(reverse("enquiries:due_preview"), {"urgent": "1"}).json()

    assert data["due_at"] == "2026-11-25T23:00:00+00:00"
    assert "by 11pm on Wednesday 25 November 2026" in data["text"]


def test_preview_for_a_pcn_enquiry_while_paused_says_it_will_be_held(member_client, frozen):
    PcnSupportPause.objects.create(message="Paused", started_at=MONDAY_11PM)

    data = member_client.get(reverse("enquiries:due_preview"), {"urgent": "1", "scope": "pcn"}).json()

    assert data["due_at"] is None
    assert "hold" in data["text"]


def test_preview_needs_a_member(client, db):
    response = client.get(reverse("enquiries:due_preview"))
    assert response.status_code == 302


# --- Our enquiries --------------------------------------------------------------------


def test_our_enquiries_lists_the_practices_enquiries_only(member_client, practice, other_practice):
    ours = EnquiryFactory(practice=practice, sharing=Sharing.PRACTICE)
    theirs = EnquiryFactory(practice=other_practice, sharing=Sharing.PRACTICE)

    page = member_client.get(reverse("enquiries:list")).content.decode()

    assert ours.reference in page
    assert theirs.reference not in page


def test_our_enquiries_covers_every_practice_of_the_member(client, practice):
    second = PracticeFactory()
    user = MembershipFactory(practice=practice).user
    MembershipFactory(user=user, practice=second)
    client.force_login(user)
    first_enquiry = EnquiryFactory(practice=practice, sharing=Sharing.PRACTICE)
    second_enquiry = EnquiryFactory(practice=second, sharing=Sharing.PRACTICE)

    page = client.get(reverse("enquiries:list")).content.decode()

    assert first_enquiry.reference in page
    assert second_enquiry.reference in page


def test_our_enquiries_does_not_show_what_anyone_wrote(member_client, practice):
    enquiry = EnquiryFactory(practice=practice, summary="The practice manager is being bullied", sharing=Sharing.PRACTICE)

    page = member_client.get(reverse("enquiries:list")).content.decode()

    assert enquiry.reference in page
    assert "being bullied" not in page


def test_our_enquiries_query_count_does_not_grow_with_the_list(member_client, practice, django_assert_max_num_queries):
    EnquiryFactory.create_batch(30, practice=practice, sharing=Sharing.PRACTICE)

    with django_assert_max_num_queries(5):
        response = member_client.get(reverse("enquiries:list"))

    assert response.status_code == 200
    assert response.content.decode().count("LMS-2026-") >= 25


def test_former_member_is_turned_away(client, practice):
    membership = MembershipFactory(practice=practice, is_active=False)
    EnquiryFactory(practice=practice)
    client.force_login(membership.user)

    response = client.get(reverse("enquiries:list"))

    assert response.status_code == 403


# --- Confidentiality: practice B's enquiry from practice A -------------------------


@pytest.mark.parametrize("url_name", ["enquiries:detail", "enquiries:submitted"])
def test_another_practices_enquiry_is_not_found(member_client, other_practice, url_name):
    theirs = EnquiryFactory(practice=other_practice)

    response = member_client.get(reverse(url_name, kwargs={"reference": theirs.reference}))

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["enquiries:detail", "enquiries:submitted"])
def test_same_pcn_does_not_open_another_practices_pcn_enquiry(client, practice, url_name):
    neighbour = PracticeFactory(pcn=practice.pcn)
    client.force_login(MembershipFactory(practice=neighbour).user)
    pcn_enquiry = EnquiryFactory(practice=practice, scope=Scope.PCN, pcn=practice.pcn)

    response = client.get(reverse(url_name, kwargs={"reference": pcn_enquiry.reference}))

    assert response.status_code == 404


def test_staff_without_a_practice_cannot_use_member_pages(client, practice):
    enquiry = EnquiryFactory(practice=practice)
    client.force_login(StaffFactory())

    response = client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference}))

    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(client, practice):
    enquiry = EnquiryFactory(practice=practice)

    response = client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference}))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Detail page -------------------------------------------------------------------


def _submitted_by(member, practice, **overrides):
    return submit(
        member,
        practice,
        summary="Partners in dispute",
        details="The details only the sender should see.",
        now=MONDAY_11PM,
        **overrides,
    )


def test_detail_shows_the_status_timeline_without_staff_names_or_notes(member_client, member, practice):
    enquiry = _submitted_by(member, practice)
    officer = StaffFactory(first_name="Olivia", last_name="Officerton")
    with time_machine.travel(datetime(2026, 11, 24, 9, 30, tzinfo=LONDON), tick=False):
        enquiry.status, enquiry.assigned_to = Status.TRIAGED, officer
        enquiry.save()
    with time_machine.travel(datetime(2026, 11, 25, 14, 0, tzinfo=LONDON), tick=False):
        enquiry.status, enquiry.first_contact_at = Status.FIRST_CONTACT, datetime(2026, 11, 25, 14, 0, tzinfo=LONDON)
        enquiry.plan = "Staff working note: partner B has a history with the ICB."
        enquiry.save()

    page = member_client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).content.decode()

    assert "Passed to your LMC officer" in page
    assert "Tuesday 24 November 2026" in page
    assert "First confidential conversation arranged" in page
    assert "Wednesday 25 November 2026" in page
    assert "Officerton" not in page
    assert "Staff working note" not in page


def test_sender_sees_what_they_wrote(member_client, member, practice):
    enquiry = _submitted_by(member, practice)

    page = member_client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).content.decode()

    assert "The details only the sender should see." in page


def test_colleague_at_the_practice_sees_progress_but_not_what_was_written(client, member, practice):
    enquiry = _submitted_by(member, practice, sharing=Sharing.PRACTICE)
    colleague = MembershipFactory(practice=practice).user
    client.force_login(colleague)

    page = client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).content.decode()

    assert enquiry.reference in page
    assert "Received by the LMC" in page
    assert "The details only the sender should see." not in page
    assert "Partners in dispute" not in page


def test_unknown_reference_is_not_found(member_client):
    assert member_client.get("/enquiries/LMS-2026-99999/").status_code == 404


def test_user_without_an_account_page_is_not_a_member(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("enquiries:submit")).status_code == 403
