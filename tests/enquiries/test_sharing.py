"""Who sees an enquiry: each sharing setting against the sender, a named colleague,
an unnamed colleague, a member of another practice and an LMC officer, on every
member-facing surface (list, detail, messages, documents, dashboard count,
data export, emails)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from enquiries.models import EnquiryMessage, Sharing
from enquiries.services import enquiry_message_send, enquiry_sharing_change, enquiry_submit
from members.permissions import OFFICERS
from privacy.personal_data import personal_data_collect
from tests.conftest import give_totp
from tests.enquiries.conversation_support import PDF, upload
from tests.factories import MembershipFactory, PracticeFactory, StaffFactory

SETTINGS = [Sharing.ONLY_ME, Sharing.NAMED, Sharing.PRACTICE]
WHO = ["sender", "named", "unnamed", "other_practice", "staff"]
# Who may see the enquiry, per setting (staff see it in the admin, never in the members' area).
MAY_SEE = {
    Sharing.ONLY_ME: {"sender"},
    Sharing.NAMED: {"sender", "named"},
    Sharing.PRACTICE: {"sender", "named", "unnamed"},
}


@pytest.fixture
def people(db):
    practice = PracticeFactory()
    return {
        "practice": practice,
        "sender": MembershipFactory(practice=practice, user__first_name="Sam").user,
        "named": MembershipFactory(practice=practice, user__first_name="Nadia").user,
        "unnamed": MembershipFactory(practice=practice, user__first_name="Uma").user,
        "other_practice": MembershipFactory(user__first_name="Otto").user,
        "staff": _officer(),
    }


def _officer():
    officer = StaffFactory(groups=[OFFICERS])
    give_totp(officer)
    return officer


def _send(people, sharing):
    enquiry = enquiry_submit(
        submitted_by=people["sender"],
        practice=people["practice"],
        scope="practice",
        topic="partnership",
        urgent=False,
        urgent_reason="",
        summary="My partner is taking more than their share",
        details="The drawings do not match the agreement.",
        sharing=sharing,
        shared_with=[people["named"]] if sharing == Sharing.NAMED else [],
    )
    message = enquiry_message_send(
        enquiry=enquiry, author=people["sender"], text="Attached is the agreement", files=[upload("a.pdf", PDF)]
    )
    return enquiry, message.files.get()


def _may_see(who, sharing):
    return who in MAY_SEE[sharing]


@pytest.mark.parametrize("sharing", SETTINGS)
@pytest.mark.parametrize("who", WHO)
def test_list_shows_the_enquiry_only_to_those_who_may_see_it(client, people, sharing, who):
    enquiry, _ = _send(people, sharing)
    client.force_login(people[who])

    response = client.get(reverse("enquiries:list"))

    if who == "staff":
        assert response.status_code == 403  # the members' area is for members
    assert (enquiry.reference in response.content.decode()) == _may_see(who, sharing)


@pytest.mark.parametrize("sharing", SETTINGS)
@pytest.mark.parametrize("who", WHO)
def test_detail_page_is_404_for_those_who_may_not_see_it(client, people, sharing, who):
    enquiry, _ = _send(people, sharing)
    client.force_login(people[who])

    response = client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference}))

    expected = 200 if _may_see(who, sharing) else (403 if who == "staff" else 404)
    assert response.status_code == expected
    if expected != 200:
        assert enquiry.reference not in response.content.decode()


@pytest.mark.parametrize("sharing", SETTINGS)
@pytest.mark.parametrize("who", WHO)
def test_conversation_can_be_read_and_written_only_by_those_who_may_see_it(client, people, sharing, who):
    enquiry, _ = _send(people, sharing)
    client.force_login(people[who])
    url = reverse("enquiries:message_send", kwargs={"reference": enquiry.reference})

    response = client.post(url, {"text": f"A message from {who}"})

    written = EnquiryMessage.objects.filter(enquiry=enquiry, text=f"A message from {who}").exists()
    assert written == _may_see(who, sharing)
    if not _may_see(who, sharing):
        assert response.status_code in (403, 404)
    else:
        page = client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).content.decode()
        assert "Attached is the agreement" in page


@pytest.mark.parametrize("sharing", SETTINGS)
@pytest.mark.parametrize("who", WHO)
def test_documents_download_only_for_those_who_may_see_the_enquiry(client, people, sharing, who):
    enquiry, document = _send(people, sharing)
    client.force_login(people[who])

    response = client.get(
        reverse("enquiries:file_download", kwargs={"reference": enquiry.reference, "file_id": document.pk})
    )

    if _may_see(who, sharing):
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("sharing", SETTINGS)
@pytest.mark.parametrize("who", ["sender", "named", "unnamed", "other_practice"])
def test_dashboard_counts_only_enquiries_the_member_may_see(client, people, sharing, who):
    _send(people, sharing)
    client.force_login(people[who])

    page = client.get(reverse("members:dashboard")).content.decode()

    if _may_see(who, sharing):
        assert "1 open enquiry you can see" in page
    else:
        assert "No open enquiries you can see" in page


@pytest.mark.parametrize("sharing", SETTINGS)
@pytest.mark.parametrize("who", WHO)
def test_data_export_holds_the_enquiry_only_for_its_sender(people, sharing, who):
    enquiry, _ = _send(people, sharing)

    export = repr(personal_data_collect(user=people[who]))

    assert (enquiry.reference in export) == (who == "sender")
    assert ("Attached is the agreement" in export) == (who == "sender")


@pytest.mark.parametrize("sharing", SETTINGS)
def test_lmc_reply_is_emailed_to_exactly_those_who_may_see_it(
    people, sharing, mailoutbox, django_capture_on_commit_callbacks
):
    enquiry, _ = _send(people, sharing)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        enquiry_message_send(enquiry=enquiry, author=people["staff"], text="Can we talk on Tuesday?")

    recipients = sorted(address for email in mailoutbox for address in email.to)
    assert recipients == sorted(people[who].email for who in MAY_SEE[sharing])
    assert all("Can we talk on Tuesday?" not in email.body for email in mailoutbox)


def test_naming_someone_from_another_practice_is_refused(people):
    with pytest.raises(ValidationError) as error:
        enquiry_submit(
            submitted_by=people["sender"],
            practice=people["practice"],
            scope="practice",
            topic="partnership",
            urgent=False,
            urgent_reason="",
            summary="About my partner",
            details="Details",
            sharing=Sharing.NAMED,
            shared_with=[people["other_practice"]],
        )

    assert "shared_with" in error.value.message_dict


def test_a_new_enquiry_is_only_me_unless_the_sender_chooses(people):
    enquiry = enquiry_submit(
        submitted_by=people["sender"],
        practice=people["practice"],
        scope="practice",
        topic="workforce",
        urgent=False,
        urgent_reason="",
        summary="Staffing",
        details="Details",
    )

    assert enquiry.sharing == Sharing.ONLY_ME
    assert not enquiry.shared_with.exists()


def test_widening_and_narrowing_are_recorded_in_the_history(people):
    enquiry, _ = _send(people, Sharing.ONLY_ME)

    enquiry_sharing_change(enquiry=enquiry, by=people["sender"], sharing=Sharing.NAMED, shared_with=[people["named"]])
    enquiry_sharing_change(enquiry=enquiry, by=people["sender"], sharing=Sharing.ONLY_ME)

    reasons = list(enquiry.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))
    assert reasons[-2] == "Who can see it: the sender and Nadia " + people["named"].last_name
    assert reasons[-1] == "Who can see it: only the sender"
    assert not enquiry.shared_with.exists()


def test_only_the_sender_can_change_who_sees_it(client, people):
    enquiry, _ = _send(people, Sharing.PRACTICE)
    client.force_login(people["unnamed"])

    response = client.post(
        reverse("enquiries:sharing", kwargs={"reference": enquiry.reference}), {"sharing": Sharing.PRACTICE}
    )

    assert response.status_code == 404
    with pytest.raises(ValidationError):
        enquiry_sharing_change(enquiry=enquiry, by=people["unnamed"], sharing=Sharing.PRACTICE)


def test_sender_narrows_from_the_enquiry_page_and_the_colleague_loses_sight_of_it(client, people):
    enquiry, _ = _send(people, Sharing.PRACTICE)
    client.force_login(people["sender"])

    response = client.post(
        reverse("enquiries:sharing", kwargs={"reference": enquiry.reference}), {"sharing": Sharing.ONLY_ME}
    )

    assert response.status_code == 302
    client.force_login(people["unnamed"])
    assert client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).status_code == 404


def test_a_named_colleague_who_leaves_the_practice_loses_sight_of_it(client, people):
    enquiry, _ = _send(people, Sharing.NAMED)
    people["named"].memberships.update(is_active=False)
    client.force_login(people["named"])

    assert client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).status_code == 403


def test_the_pcn_resume_email_goes_only_to_a_sender_who_may_still_see_it(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    from enquiries.services import pcn_support_pause, pcn_support_resume

    pcn_support_pause(message="Paused", by=None)
    kept = enquiry_submit(
        submitted_by=people["sender"], practice=people["practice"], scope="pcn", topic="pcn", urgent=False,
        urgent_reason="", summary="PCN matter", details="Details", sharing=Sharing.PRACTICE,
    )
    leaver = MembershipFactory(practice=people["practice"]).user
    enquiry_submit(
        submitted_by=leaver, practice=people["practice"], scope="pcn", topic="pcn", urgent=False,
        urgent_reason="", summary="Another PCN matter", details="Details",
    )
    leaver.memberships.update(is_active=False)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        pcn_support_resume(by=None)

    assert [email.to for email in mailoutbox] == [[people["sender"].email]]
    assert kept.reference in mailoutbox[0].subject + mailoutbox[0].body


def test_the_sender_sees_their_changes_to_who_can_see_it(client, people):
    enquiry, _ = _send(people, Sharing.ONLY_ME)
    enquiry_sharing_change(enquiry=enquiry, by=people["sender"], sharing=Sharing.PRACTICE)
    client.force_login(people["sender"])

    page = client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).content.decode()

    history = page.split('data-testid="sharing-history"', 1)[1].split("</ul>", 1)[0]
    assert "Everyone at the practice" in history
    enquiry_sharing_change(enquiry=enquiry, by=people["sender"], sharing=Sharing.NAMED, shared_with=[people["named"]])
    page = client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).content.decode()
    # The page escapes the name (a generated name may be "Nadia O'Connor").
    assert escape(f"The sender and {people['named'].get_full_name()}") in page
