"""Pausing support to PCNs: PCN enquiries are held, then get their due time when support resumes."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from enquiries.models import Enquiry, PcnSupportPause, Scope, Status, Topic
from enquiries.selectors import enquiry_timeline_for_member, pcn_support_pause_current
from enquiries.services import pcn_support_pause, pcn_support_resume, pcn_support_resume_due
from members.permissions import TRIAGE_LEAD
from tests.conftest import give_totp
from tests.enquiries.test_submission import submit as submit_enquiry
from tests.factories import StaffFactory

LONDON = ZoneInfo("Europe/London")
MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
THURSDAY_3PM = datetime(2026, 11, 26, 15, 0, tzinfo=LONDON)


@pytest.fixture
def paused(db):
    with time_machine.travel(MONDAY_10AM, tick=False):
        return pcn_support_pause(message="PCN support is paused while we recruit.", ends_on=date(2026, 12, 4), by=None)


def submit(user, practice, *, scope=Scope.PCN, urgent=False):
    return submit_enquiry(
        user,
        practice,
        scope=scope,
        topic=Topic.PCN,
        urgent=urgent,
        urgent_reason="The clinical director resigned today." if urgent else "",
        summary="Our PCN cannot agree the ARRS budget",
    )


def test_pcn_enquiry_during_a_pause_is_held_with_no_due_time(member, practice, paused):
    enquiry = submit(member, practice)

    enquiry.refresh_from_db()
    assert enquiry.status == Status.ON_HOLD
    assert enquiry.first_contact_due_at is None
    assert enquiry.sla_started_at is None


def test_practice_enquiry_during_a_pcn_pause_is_not_held(member, practice, paused):
    enquiry = submit(member, practice, scope=Scope.PRACTICE)

    assert enquiry.status == Status.SUBMITTED
    assert enquiry.first_contact_due_at is not None


def test_held_enquiry_acknowledgement_says_it_is_on_hold(
    member, practice, paused, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(member, practice)

    acknowledgement = next(m for m in mailoutbox if m.to == [member.email])
    assert "holding your enquiry" in acknowledgement.body
    assert "Friday 4 December 2026" in acknowledgement.body


def test_resuming_starts_the_clock_from_that_moment(member, practice, paused):
    standard = submit(member, practice)
    urgent = submit(member, practice, urgent=True)

    resumed = pcn_support_resume(by=None, now=THURSDAY_3PM)

    assert resumed == 2
    standard.refresh_from_db()
    urgent.refresh_from_db()
    assert standard.status == Status.SUBMITTED
    assert standard.sla_started_at == THURSDAY_3PM
    assert standard.first_contact_due_at == datetime(2026, 12, 3, 17, 0, tzinfo=LONDON)
    assert urgent.first_contact_due_at == datetime(2026, 11, 28, 15, 0, tzinfo=LONDON)
    assert pcn_support_pause_current() is None


def test_resuming_emails_each_held_submitter_their_new_due_time(
    member, practice, paused, mailoutbox, django_capture_on_commit_callbacks
):
    enquiry = submit(member, practice)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        pcn_support_resume(by=None, now=THURSDAY_3PM)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [member.email]
    assert enquiry.reference in mailoutbox[0].subject
    assert "by 5pm on Thursday 3 December 2026" in mailoutbox[0].body


def test_resuming_twice_does_nothing_the_second_time(member, practice, paused, mailoutbox, django_capture_on_commit_callbacks):
    submit(member, practice)
    with django_capture_on_commit_callbacks(execute=True):
        pcn_support_resume(now=THURSDAY_3PM)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert pcn_support_resume(now=THURSDAY_3PM) == 0

    assert mailoutbox == []


def test_resume_is_recorded_in_the_members_timeline(member, practice, paused):
    enquiry = submit(member, practice)
    with time_machine.travel(THURSDAY_3PM, tick=False):
        pcn_support_resume(now=THURSDAY_3PM)

    words = [entry.words for entry in enquiry_timeline_for_member(enquiry=enquiry)]

    assert words == [
        "Received and put on hold while PCN support is paused",
        "PCN support resumed: the LMC's response time started",
    ]


def test_pause_does_not_resume_automatically_on_its_last_day(member, practice, paused):
    submit(member, practice)

    assert pcn_support_resume_due(now=datetime(2026, 12, 4, 23, 59, tzinfo=LONDON)) == 0
    assert pcn_support_pause_current() is not None


def test_pause_resumes_automatically_the_day_after_its_end_date(member, practice, paused):
    enquiry = submit(member, practice)
    saturday = datetime(2026, 12, 5, 0, 15, tzinfo=LONDON)

    assert pcn_support_resume_due(now=saturday) == 1

    enquiry.refresh_from_db()
    assert enquiry.sla_started_at == saturday
    assert enquiry.first_contact_due_at == datetime(2026, 12, 11, 17, 0, tzinfo=LONDON)


def test_pause_without_end_date_never_resumes_automatically(member, practice, db):
    pcn_support_pause(message="Paused until further notice.", by=None)
    submit(member, practice)

    assert pcn_support_resume_due(now=datetime(2030, 1, 1, tzinfo=LONDON)) == 0


def test_pausing_again_changes_the_message_of_the_pause_already_on(paused):
    with time_machine.travel(MONDAY_10AM, tick=False):
        again = pcn_support_pause(message="New message", ends_on=None, by=None)

    assert again.pk == paused.pk
    assert PcnSupportPause.objects.get().message == "New message"


def test_pause_end_date_in_the_past_is_refused(db):
    with time_machine.travel(MONDAY_10AM, tick=False), pytest.raises(ValidationError) as error:
        pcn_support_pause(message="Paused", ends_on=date(2026, 11, 22), by=None)

    assert "ends_on" in error.value.message_dict


def test_database_allows_only_one_active_pause(paused):
    with pytest.raises(IntegrityError):
        PcnSupportPause.objects.create(message="Second", started_at=MONDAY_10AM)


# --- The switch in the staff admin ----------------------------------------------------


@pytest.fixture
def triage_lead_client(client, db):
    user = StaffFactory(groups=[TRIAGE_LEAD])
    give_totp(user)
    client.force_login(user)
    return client


def test_triage_lead_pauses_pcn_support_in_the_admin(triage_lead_client):
    response = triage_lead_client.post(
        reverse("admin:enquiries_pcnsupportpause_add"),
        {"message": "We are not taking new PCN work until the new year.", "ends_on": ""},
    )

    assert response.status_code == 302
    pause = pcn_support_pause_current()
    assert pause.message == "We are not taking new PCN work until the new year."
    assert pause.started_by is not None


def test_triage_lead_resumes_pcn_support_in_the_admin(triage_lead_client, member, practice, paused, mailoutbox):
    enquiry = submit(member, practice)
    mailoutbox.clear()

    response = triage_lead_client.post(reverse("admin:enquiries_pcnsupportpause_resume"), follow=True)

    assert "PCN support resumed. 1 held enquiry" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.status == Status.SUBMITTED
    assert pcn_support_pause_current() is None


def test_officer_can_see_but_not_resume_the_pause(client, staff_user, member, practice, paused):
    submit(member, practice)
    client.force_login(staff_user)

    assert client.get(reverse("admin:enquiries_pcnsupportpause_changelist")).status_code == 200
    client.post(reverse("admin:enquiries_pcnsupportpause_resume"))

    assert pcn_support_pause_current() is not None
    assert Enquiry.objects.get().status == Status.ON_HOLD


def test_admin_page_of_the_active_pause_offers_resume(triage_lead_client, paused):
    response = triage_lead_client.get(reverse("admin:enquiries_pcnsupportpause_change", args=[paused.pk]))

    assert response.status_code == 200
    assert "Resume PCN support now" in response.content.decode()
