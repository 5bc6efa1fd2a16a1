"""What was agreed: the member-facing plan and outcome, their dates, notices and the export."""

import pytest
from django.urls import reverse
from django.utils import timezone

from enquiries.models import Sharing
from enquiries.services import enquiry_agree_plan, enquiry_close, enquiry_record_first_contact, staff_note_add
from members.permissions import OFFICERS
from privacy.personal_data import personal_data_collect
from tests.conftest import give_totp
from tests.enquiries.factories import EnquiryFactory
from tests.factories import MembershipFactory, StaffFactory

PLAN = "The LMC will facilitate a partners' meeting in two weeks; the practice will share the accounts."
OUTCOME = "The partners agreed a new profit-share; no further support needed."


@pytest.fixture
def officer(db):
    user = StaffFactory(groups=[OFFICERS])
    give_totp(user)
    return user


@pytest.fixture
def contacted(member, practice, officer):
    enquiry = EnquiryFactory(practice=practice, submitted_by=member, submitted_at=timezone.now())
    return enquiry_record_first_contact(enquiry=enquiry, at=timezone.now(), method="phone", by=officer)


def _page(client, enquiry):
    return client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).content.decode()


def test_the_plan_is_not_shown_before_it_is_written(member_client, contacted):
    assert "What was agreed" not in _page(member_client, contacted)


def test_the_agreed_plan_shows_on_the_members_page_with_its_date(member_client, contacted, officer):
    enquiry_agree_plan(enquiry=contacted, plan=PLAN, by=officer)

    page = _page(member_client, contacted)

    assert "Agreed plan" in page
    assert "share the accounts" in page
    assert f"{timezone.localdate():%Y}" in page.split("Agreed plan", 1)[1][:300]


def test_publishing_the_plan_emails_a_notice_without_the_text(
    member, contacted, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry_agree_plan(enquiry=contacted, plan=PLAN, by=officer)

    [notice] = mailoutbox
    assert notice.to == [member.email]
    assert "share the accounts" not in notice.body
    assert contacted.reference in notice.subject


def test_the_outcome_is_shown_and_notified_to_everyone_who_may_see_it(
    practice, member, officer, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(practice=practice).user
    outsider = MembershipFactory(practice=practice).user
    enquiry = EnquiryFactory(practice=practice, submitted_by=member, sharing=Sharing.NAMED)
    enquiry.shared_with.add(colleague)
    enquiry_record_first_contact(enquiry=enquiry, at=timezone.now(), method="phone", by=officer)

    with django_capture_on_commit_callbacks(execute=True):
        enquiry_close(enquiry=enquiry, outcome=OUTCOME, by=officer)

    assert sorted(email.to[0] for email in mailoutbox) == sorted([member.email, colleague.email])
    assert outsider.email not in [email.to[0] for email in mailoutbox]


def test_staff_notes_stay_apart_from_the_plan(member_client, contacted, officer):
    enquiry_agree_plan(enquiry=contacted, plan=PLAN, by=officer)
    staff_note_add(enquiry=contacted, text="Partner B may be heading for GMC referral", author=officer)

    page = _page(member_client, contacted)

    assert "GMC referral" not in page


def test_the_export_shows_what_the_page_shows(member, contacted, officer):
    enquiry_agree_plan(enquiry=contacted, plan=PLAN, by=officer)
    enquiry_close(enquiry=contacted, outcome=OUTCOME, by=officer)

    [row] = personal_data_collect(user=member)["enquiries"]

    assert row["plan"] == PLAN
    assert row["outcome"] == OUTCOME
    assert row["plan_written"]
    assert row["outcome_written"]
