"""Bad input on the member's side, on PostgreSQL: a clear message, nothing typed lost, never a 500."""

import pytest
from django.urls import reverse

from enquiries.models import Enquiry, EnquiryDraft, Sharing
from enquiries.services import enquiry_message_send
from members.permissions import OFFICERS
from tests.conftest import give_totp
from tests.enquiries.conversation_support import PDF, upload
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.test_member_views import form_data
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.postgres


def test_a_file_id_beyond_any_integer_is_404_not_500(member_client, member, practice):
    enquiry = EnquiryFactory(practice=practice, submitted_by=member)

    response = member_client.get(f"/enquiries/{enquiry.reference}/files/99999999999999999999999/")

    assert response.status_code == 404


def test_naming_nobody_for_named_sharing_is_refused_and_the_form_kept(member_client):
    response = member_client.post(reverse("enquiries:submit"), form_data(sharing=Sharing.NAMED))

    page = response.content.decode()
    assert not Enquiry.objects.exists()
    assert "Choose at least one colleague" in page
    assert form_data()["details"] in page


@pytest.mark.parametrize("bogus", ["not-a-number", "99999999999999999999", "-1"])
def test_a_bogus_colleague_is_refused_with_a_message(member_client, bogus):
    response = member_client.post(reverse("enquiries:submit"), form_data(sharing=Sharing.NAMED, shared_with=[bogus]))

    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert "There is a problem" in response.content.decode()


def test_naming_a_colleague_from_another_practice_by_editing_the_form_is_refused(member_client, other_member):
    response = member_client.post(
        reverse("enquiries:submit"), form_data(sharing=Sharing.NAMED, shared_with=[str(other_member.pk)])
    )

    page = response.content.decode()
    assert not Enquiry.objects.exists()
    assert "You can only name people at your practice" in page
    assert other_member.email not in page


def test_an_unknown_sharing_value_is_refused(member_client, member, practice):
    enquiry = EnquiryFactory(practice=practice, submitted_by=member)

    response = member_client.post(
        reverse("enquiries:sharing", kwargs={"reference": enquiry.reference}), {"sharing": "everyone_in_the_world"}
    )

    assert response.status_code == 400
    enquiry.refresh_from_db()
    assert enquiry.sharing == Sharing.ONLY_ME


def test_a_draft_with_nul_bytes_and_huge_text_is_kept_safely(member_client, member):
    response = member_client.post(reverse("enquiries:draft_save"), {"details": "a\x00b" + "x" * 50_000})

    assert response.status_code == 200
    assert EnquiryDraft.objects.get(author=member).data["details"].startswith("abx")


def test_officer_not_named_on_a_restricted_enquiry_cannot_reach_its_conversation(client, member, practice):
    enquiry = EnquiryFactory(practice=practice, submitted_by=member)
    message = enquiry_message_send(enquiry=enquiry, author=member, text="", files=[upload("a.pdf", PDF)])
    named, outsider = StaffFactory(groups=[OFFICERS]), StaffFactory(groups=[OFFICERS])
    enquiry.restricted_to.add(named)
    give_totp(outsider)
    client.force_login(outsider)

    document = client.get(reverse("admin:enquiries_enquiry_document", args=[enquiry.pk, message.files.get().pk]))
    write = client.post(reverse("admin:enquiries_enquiry_message", args=[enquiry.pk]), {"text": "Hello"})

    assert document.status_code == 404
    assert write.status_code == 404
    assert enquiry.messages.count() == 1


def test_a_former_member_gets_no_message_notices(member, practice, mailoutbox, django_capture_on_commit_callbacks):
    leaver = MembershipFactory(practice=practice).user
    enquiry = EnquiryFactory(practice=practice, submitted_by=member, sharing=Sharing.PRACTICE)
    leaver.memberships.update(is_active=False)
    officer = StaffFactory(groups=[OFFICERS])

    with django_capture_on_commit_callbacks(execute=True):
        enquiry_message_send(enquiry=enquiry, author=officer, text="Update")

    assert [email.to for email in mailoutbox] == [[member.email]]
