"""enquiry_submit: the reference, the due time, the emails, and what it refuses."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from enquiries.models import Enquiry, Scope, ServiceReferenceCounter, Status, Topic
from enquiries.services import enquiry_submit
from enquiries.services.submission import _PK_PLACEHOLDER, _REFERENCE_PLACEHOLDER
from tests.concurrency import run_concurrently
from tests.factories import MembershipFactory, PracticeFactory

LONDON = ZoneInfo("Europe/London")
MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


def submit(user, practice, **overrides):
    fields = {
        "submitted_by": user,
        "practice": practice,
        "scope": Scope.PRACTICE,
        "topic": Topic.PARTNERSHIP,
        "urgent": False,
        "urgent_reason": "",
        "summary": "Two partners no longer speak to each other",
        "details": "Partner A refuses to sign the new partnership agreement; meetings end in shouting.",
        "now": MONDAY_10AM,
        # These tests send the same words again on purpose; the duplicate
        # guard has its own tests (tests/enquiries/test_duplicates_and_drafts.py).
        "allow_duplicate": True,
    }
    fields.update(overrides)
    return enquiry_submit(**fields)


def test_submitted_enquiry_gets_the_first_reference_of_its_year(member, practice):
    enquiry = submit(member, practice)

    assert enquiry.reference == "LMS-2026-00001"
    assert submit(member, practice).reference == "LMS-2026-00002"


def test_references_start_again_in_a_new_year(member, practice):
    submit(member, practice)

    enquiry = submit(member, practice, now=datetime(2027, 1, 1, 0, 30, tzinfo=LONDON))

    assert enquiry.reference == "LMS-2027-00001"


def test_reference_year_is_the_london_year(member, practice):
    # 23:30 on 31 December in London is still 2026 (GMT = UTC in winter), but
    # 00:15 on 1 January London time is 2027 even when written in another zone.
    enquiry = submit(member, practice, now=datetime(2027, 1, 1, 0, 15, tzinfo=LONDON).astimezone(ZoneInfo("America/New_York")))
    assert enquiry.reference.startswith("LMS-2027-")


def test_standard_enquiry_is_due_at_close_of_business_five_working_days_on(member, practice):
    enquiry = submit(member, practice)

    enquiry.refresh_from_db()
    assert enquiry.status == Status.SUBMITTED
    assert enquiry.sla_started_at == MONDAY_10AM
    assert enquiry.first_contact_due_at == datetime(2026, 11, 30, 17, 0, tzinfo=LONDON)


def test_urgent_enquiry_is_due_48_hours_after_submission(member, practice):
    enquiry = submit(member, practice, urgent=True, urgent_reason="Our only partner has resigned today.")

    assert enquiry.first_contact_due_at == datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
    assert enquiry.urgent_reason == "Our only partner has resigned today."


def test_urgent_reason_is_dropped_when_not_urgent(member, practice):
    enquiry = submit(member, practice, urgent=False, urgent_reason="typed then changed my mind")
    assert enquiry.urgent_reason == ""


def test_submitter_gets_acknowledgement_with_reference_topic_and_due_time(
    member, practice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit(member, practice)

    acknowledgement = next(m for m in mailoutbox if m.to == [member.email])
    assert enquiry.reference in acknowledgement.subject
    assert "Partnership performance and dispute" in acknowledgement.body
    assert "by 5pm on Monday 30 November 2026" in acknowledgement.body
    assert "Partner A refuses" not in acknowledgement.body
    html = acknowledgement.alternatives[0][0]
    assert enquiry.reference in html


def test_emails_rendered_before_the_reference_was_taken_carry_the_real_reference_and_links(
    member, practice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit(member, practice)

    member_link = reverse("enquiries:detail", kwargs={"reference": enquiry.reference})
    admin_link = reverse("admin:enquiries_enquiry_change", args=[enquiry.pk])
    acknowledgement = next(m for m in mailoutbox if m.to == [member.email])
    notice = next(m for m in mailoutbox if m.to != [member.email])
    for message in (acknowledgement, notice):
        everything = message.subject + message.body + message.alternatives[0][0]
        assert _REFERENCE_PLACEHOLDER not in everything
        assert _PK_PLACEHOLDER not in everything
    assert member_link in acknowledgement.body
    assert admin_link in notice.body
    assert enquiry.reference in notice.subject


def test_triage_inbox_gets_a_notice_without_the_confidential_details(
    member, practice, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LMC_TRIAGE_EMAIL = "triage-inbox@lmc.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit(member, practice, urgent=True, urgent_reason="The practice may not open tomorrow.")

    notice = next(m for m in mailoutbox if m.to == ["triage-inbox@lmc.example.org"])
    assert notice.subject.startswith("URGENT: New enquiry " + enquiry.reference)
    assert f"/enquiries/enquiry/{enquiry.pk}/change/" in notice.body
    for secret in ("Two partners", "Partner A refuses", "may not open", practice.name, member.email):
        assert secret not in notice.body
        assert secret not in notice.alternatives[0][0]


def test_emails_are_sent_only_once_the_enquiry_is_committed(
    member, practice, mailoutbox, django_capture_on_commit_callbacks
):
    def fail_after_submitting():
        with transaction.atomic():
            submit(member, practice)
            raise RuntimeError("the request failed after the enquiry was made")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError, match="request failed"):
        fail_after_submitting()

    assert not Enquiry.objects.exists()
    assert mailoutbox == []


def test_member_cannot_submit_for_a_practice_they_do_not_belong_to(member, other_practice):
    with pytest.raises(ValidationError) as error:
        submit(member, other_practice)

    assert "practice" in error.value.message_dict
    assert not Enquiry.objects.exists()


def test_former_member_cannot_submit_for_their_old_practice(practice):
    membership = MembershipFactory(practice=practice, is_active=False)
    with pytest.raises(ValidationError):
        submit(membership.user, practice)


def test_urgent_enquiry_needs_a_reason(member, practice):
    with pytest.raises(ValidationError) as error:
        submit(member, practice, urgent=True, urgent_reason="  ")

    assert "urgent_reason" in error.value.message_dict
    assert not ServiceReferenceCounter.objects.exists()  # no number used up by a refused enquiry


def test_over_long_details_are_refused_with_the_limit_stated(member, practice):
    with pytest.raises(ValidationError) as error:
        submit(member, practice, details="x" * 10_001)

    assert error.value.message_dict["details"] == [
        "The details must be 10,000 characters or fewer. You have written 10,001: please shorten it."
    ]


def test_pcn_enquiry_from_a_practice_outside_any_pcn_is_refused(member):
    practice = PracticeFactory(pcn=None)
    MembershipFactory(user=member, practice=practice)

    with pytest.raises(ValidationError) as error:
        submit(member, practice, scope=Scope.PCN)

    assert "scope" in error.value.message_dict


def test_pcn_enquiry_records_the_practices_pcn(member, practice):
    enquiry = submit(member, practice, scope=Scope.PCN, topic=Topic.PCN)
    assert enquiry.pcn == practice.pcn


def test_same_submission_token_returns_the_first_enquiry(member, practice, mailoutbox, django_capture_on_commit_callbacks):
    token = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(member, practice, submission_token=token)
        second = submit(member, practice, submission_token=token)

    assert second.pk == first.pk
    assert Enquiry.objects.count() == 1
    assert len(mailoutbox) == 2  # one acknowledgement, one triage notice


def test_another_users_submission_token_is_refused(member, practice):
    token = uuid.uuid4()
    submit(member, practice, submission_token=token)
    colleague = MembershipFactory(practice=practice).user

    with pytest.raises(ValidationError):
        submit(colleague, practice, submission_token=token)


def test_history_records_who_submitted(member, practice):
    enquiry = submit(member, practice)

    record = enquiry.history.get()
    assert record.history_user == member
    assert record.status == Status.SUBMITTED


# --- Concurrency (PostgreSQL row locks) --------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_consecutive_references(member, practice):
    results, errors = run_concurrently(8, lambda: submit(member, practice, now=None).reference)

    assert errors == []
    year = results[0][4:8]
    assert sorted(results) == [f"LMS-{year}-{n:05d}" for n in range(1, 9)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_with_one_token_makes_one_enquiry(member, practice):
    token = uuid.uuid4()
    results, errors = run_concurrently(4, lambda: submit(member, practice, submission_token=token).pk)

    assert errors == []
    assert len(set(results)) == 1
    assert Enquiry.objects.count() == 1
