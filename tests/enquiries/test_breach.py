"""The promise after a breach: apology, what we did, how to reach us, chase once a day, late shown as late."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from enquiries.models import Status
from enquiries.services import enquiry_chase
from members.permissions import OFFICERS
from tests.enquiries.factories import EnquiryFactory
from tests.factories import StaffFactory

LONDON = ZoneInfo("Europe/London")
SUBMITTED = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)  # Monday
DUE = datetime(2026, 11, 30, 17, 0, tzinfo=LONDON)  # the next Monday, close of business
AFTER_DUE = datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)


@pytest.fixture
def overdue(member, practice):
    return EnquiryFactory(practice=practice, submitted_by=member, submitted_at=SUBMITTED, first_contact_due_at=DUE)


def _detail(client, enquiry) -> str:
    return client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).content.decode()


def test_overdue_page_apologises_gives_phone_and_email_and_promises_no_past_time(member_client, overdue, settings):
    with time_machine.travel(AFTER_DUE, tick=False):
        page = _detail(member_client, overdue)

    assert "We're sorry" in page or "We&#x27;re sorry" in page
    assert "triage lead has been alerted" in page
    assert settings.LMC_PHONE in page
    assert settings.LMC_EMAIL in page
    assert "will contact you by" not in page
    assert "Chase this enquiry" in page


def test_before_the_due_time_the_page_keeps_the_promise(member_client, overdue):
    with time_machine.travel(DUE - timedelta(hours=1), tick=False):
        page = _detail(member_client, overdue)

    assert "An LMC officer will contact you by 5pm today, Monday 30 November 2026" in page
    assert "Chase this enquiry" not in page


def test_the_members_list_shows_overdue(member_client, overdue):
    with time_machine.travel(AFTER_DUE, tick=False):
        page = member_client.get(reverse("enquiries:list")).content.decode()

    assert 'data-testid="overdue">overdue<' in page
    assert "by 5pm on Monday 30 November 2026" not in page


def test_chasing_twice_within_24_hours_sends_one_alert(
    member_client, overdue, settings, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("enquiries:chase", kwargs={"reference": overdue.reference})
    with time_machine.travel(AFTER_DUE, tick=False), django_capture_on_commit_callbacks(execute=True):
        member_client.post(url)
    with time_machine.travel(AFTER_DUE + timedelta(hours=23), tick=False), django_capture_on_commit_callbacks(
        execute=True
    ):
        member_client.post(url)

    chases = [email for email in mailoutbox if "Chased" in email.subject]
    assert [email.to for email in chases] == [[settings.LMC_TRIAGE_EMAIL]]
    assert overdue.summary not in chases[0].body


def test_a_chase_a_day_later_alerts_again_and_reaches_the_assigned_officer(
    member, overdue, settings, mailoutbox, django_capture_on_commit_callbacks
):
    officer = StaffFactory(groups=[OFFICERS])
    overdue.assigned_to, overdue.status = officer, Status.TRIAGED
    overdue.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert enquiry_chase(enquiry=overdue, by=member, now=AFTER_DUE)
        assert enquiry_chase(enquiry=overdue, by=member, now=AFTER_DUE + timedelta(hours=24, minutes=1))

    recipients = sorted(address for email in mailoutbox for address in email.to)
    assert recipients == sorted([settings.LMC_TRIAGE_EMAIL, officer.email] * 2)


def test_a_chase_is_recorded_in_the_history(member, overdue):
    enquiry_chase(enquiry=overdue, by=member, now=AFTER_DUE)

    latest = overdue.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Chased by the practice: first contact is overdue"
    assert latest.history_user == member


def test_nothing_to_chase_before_the_due_time(member, overdue):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        enquiry_chase(enquiry=overdue, by=member, now=DUE - timedelta(minutes=1))


def test_a_late_first_contact_is_shown_as_late(member_client, overdue):
    overdue.first_contact_at = AFTER_DUE
    overdue.status = Status.FIRST_CONTACT
    overdue.save()

    with time_machine.travel(AFTER_DUE + timedelta(days=1), tick=False):
        page = _detail(member_client, overdue)
        listing = member_client.get(reverse("enquiries:list")).content.decode()

    assert "later than we promised" in page
    assert ">late<" in listing


def test_a_colleague_who_may_not_see_it_cannot_chase_it(client, practice, overdue):
    from tests.factories import MembershipFactory

    client.force_login(MembershipFactory(practice=practice).user)

    with time_machine.travel(AFTER_DUE, tick=False):
        response = client.post(reverse("enquiries:chase", kwargs={"reference": overdue.reference}))

    assert response.status_code == 404
