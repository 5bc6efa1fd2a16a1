"""Messages and documents between the practice and the LMC."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enquiries.files import FILE_MAX_BYTES, file_kind
from enquiries.models import EnquiryFile, EnquiryMessage, Sharing, Status
from enquiries.services import enquiries_anonymise_due, enquiry_message_send
from members.permissions import OFFICERS
from tests.conftest import give_totp
from tests.enquiries.conversation_support import (
    DOCX,
    HTML,
    JPEG,
    OLE2_DOC,
    OLE2_XLS,
    PDF,
    PNG,
    XLSX,
    message_with_pdf,
    office_zip,
    upload,
)
from tests.enquiries.factories import EnquiryFactory
from tests.factories import MembershipFactory, StaffFactory


@pytest.fixture
def officer(db):
    user = StaffFactory(groups=[OFFICERS], first_name="Olive", last_name="Officer")
    give_totp(user)
    return user


@pytest.fixture
def enquiry(member, practice):
    return EnquiryFactory(practice=practice, submitted_by=member)


def _emails_to(mailoutbox, address):
    return [email for email in mailoutbox if address in email.to]


def test_member_message_notifies_the_assigned_officer_without_its_text(
    member, enquiry, officer, mailoutbox, django_capture_on_commit_callbacks
):
    enquiry.assigned_to = officer
    enquiry.status = Status.TRIAGED
    enquiry.save()

    with django_capture_on_commit_callbacks(execute=True):
        enquiry_message_send(enquiry=enquiry, author=member, text="My partner has changed the locks")

    [notice] = _emails_to(mailoutbox, officer.email)
    assert enquiry.reference in notice.subject
    assert "changed the locks" not in notice.body
    assert reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]) in notice.body


def test_member_message_goes_to_the_triage_inbox_when_nobody_is_assigned(
    member, enquiry, settings, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry_message_send(enquiry=enquiry, author=member, text="Any news?")

    assert [email.to for email in mailoutbox] == [[settings.LMC_TRIAGE_EMAIL]]


def test_staff_reply_notifies_the_member_with_contact_details_and_no_text(
    member, enquiry, officer, settings, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry_message_send(enquiry=enquiry, author=officer, text="I can call you at 6pm on Tuesday")

    [notice] = mailoutbox
    assert notice.to == [member.email]
    assert "6pm on Tuesday" not in notice.body
    assert f"/enquiries/{enquiry.reference}/#conversation" in notice.body
    assert settings.LMC_PHONE in notice.body


def test_staff_message_is_marked_as_from_the_lmc(enquiry, officer):
    message = enquiry_message_send(enquiry=enquiry, author=officer, text="Hello")

    assert message.from_lmc is True


def test_staff_without_the_enquiry_in_view_cannot_write_on_it(enquiry, officer):
    enquiry.restricted_to.add(StaffFactory(groups=[OFFICERS]))

    with pytest.raises(ValidationError):
        enquiry_message_send(enquiry=enquiry, author=officer, text="Hello")


def test_the_member_page_shows_the_conversation_in_order(member_client, member, enquiry, officer):
    enquiry_message_send(enquiry=enquiry, author=member, text="First from the practice")
    enquiry_message_send(enquiry=enquiry, author=officer, text="Reply from the LMC")

    page = member_client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).content.decode()

    assert page.index("First from the practice") < page.index("Reply from the LMC")
    assert "Your LMC officer" in page
    assert "Olive" not in page  # officers' names stay out of members' pages


def test_staff_notes_never_appear_in_the_conversation(member_client, enquiry, officer):
    from enquiries.services import staff_note_add

    staff_note_add(enquiry=enquiry, text="Sender seems stressed; check conflicts", author=officer)

    page = member_client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).content.decode()

    assert "seems stressed" not in page


def test_posting_a_message_with_a_pdf_stores_it_outside_the_public_urls(member_client, enquiry, settings):
    from pathlib import Path

    from django.core.files.storage import storages

    response = member_client.post(
        reverse("enquiries:message_send", kwargs={"reference": enquiry.reference}),
        {"text": "The agreement", "files": [upload("agreement.pdf", PDF)]},
    )

    assert response.status_code == 302
    document = EnquiryFile.objects.get()
    assert document.kind == "pdf"
    assert document.file.storage is storages["enquiry_files"]
    location = Path(document.file.storage.location).resolve()
    assert Path(settings.STATIC_ROOT).resolve() not in location.parents
    assert (location / document.file.name).read_bytes() == PDF
    for guess in ("/" + document.file.name, "/media/" + document.file.name, "/static/" + document.file.name):
        assert member_client.get(guess).status_code == 404


def test_download_is_an_attachment_with_the_type_its_content_earns(member_client, member, enquiry):
    message = enquiry_message_send(enquiry=enquiry, author=member, text="", files=[upload("photo.png", PNG, "text/html")])
    document = message.files.get()

    response = member_client.get(
        reverse("enquiries:file_download", kwargs={"reference": enquiry.reference, "file_id": document.pk})
    )

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="photo.png"'
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg"), (DOCX, "docx"), (XLSX, "xlsx"), (OLE2_DOC, "doc"), (OLE2_XLS, "xls")],
)
def test_each_allowed_kind_is_recognised_by_its_content(content, kind):
    assert file_kind(upload("renamed.bin", content)) == kind


@pytest.mark.parametrize(
    "content",
    [HTML, b"MZ\x90\x00executable", office_zip("ppt/presentation.xml"), b"PK\x03\x04not really a zip", b""],
)
def test_other_content_is_not_recognised(content):
    assert file_kind(upload("looks.pdf", content)) is None


@pytest.mark.postgres
def test_a_pdf_name_with_html_inside_is_refused_and_the_text_kept(member_client, enquiry):
    response = member_client.post(
        reverse("enquiries:message_send", kwargs={"reference": enquiry.reference}),
        {"text": "Please read the attached letter", "files": [upload("letter.pdf", HTML)]},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "letter.pdf is not a PDF, Word, Excel, PNG or JPEG file" in page
    assert "Please read the attached letter" in page
    assert not EnquiryMessage.objects.exists()
    assert not EnquiryFile.objects.exists()


@pytest.mark.postgres
def test_a_file_over_10_mb_is_refused_with_the_limit_and_the_text_kept(member_client, enquiry):
    big = PDF + b"0" * FILE_MAX_BYTES

    response = member_client.post(
        reverse("enquiries:message_send", kwargs={"reference": enquiry.reference}),
        {"text": "Minutes of the partners' meeting", "files": [upload("minutes.pdf", big)]},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Each file must be 10 MB or smaller" in page
    assert "Minutes of the partners&#x27; meeting" in page
    assert not EnquiryMessage.objects.exists()


@pytest.mark.postgres
def test_nul_bytes_in_a_message_give_no_error_and_are_dropped(member_client, enquiry):
    response = member_client.post(
        reverse("enquiries:message_send", kwargs={"reference": enquiry.reference}), {"text": "Before\x00after"}
    )

    assert response.status_code == 302
    assert EnquiryMessage.objects.get().text == "Beforeafter"


@pytest.mark.postgres
def test_an_over_long_message_is_refused_with_the_limit_and_kept(member_client, enquiry):
    text = "x" * 10_001

    response = member_client.post(reverse("enquiries:message_send", kwargs={"reference": enquiry.reference}), {"text": text})

    page = response.content.decode()
    assert response.status_code == 400
    assert "10,000 characters or fewer" in page
    assert text in page
    assert not EnquiryMessage.objects.exists()


def test_an_empty_message_is_refused(member_client, enquiry):
    response = member_client.post(reverse("enquiries:message_send", kwargs={"reference": enquiry.reference}), {"text": " "})

    assert response.status_code == 400
    assert "Write your message" in response.content.decode()


def test_a_member_of_another_practice_gets_404_on_the_file_url(client, member, enquiry, other_member):
    message = enquiry_message_send(enquiry=enquiry, author=member, text="", files=[upload("a.pdf", PDF)])
    client.force_login(other_member)

    response = client.get(
        reverse("enquiries:file_download", kwargs={"reference": enquiry.reference, "file_id": message.files.get().pk})
    )

    assert response.status_code == 404


def test_a_document_cannot_be_reached_through_another_enquirys_reference(member_client, member, practice, enquiry):
    hidden = EnquiryFactory(practice=practice, sharing=Sharing.ONLY_ME)
    message = enquiry_message_send(
        enquiry=hidden, author=hidden.submitted_by, text="", files=[upload("secret.pdf", PDF)]
    )

    response = member_client.get(
        reverse("enquiries:file_download", kwargs={"reference": enquiry.reference, "file_id": message.files.get().pk})
    )

    assert response.status_code == 404


def test_the_retention_job_removes_messages_and_their_stored_files(
    member, enquiry, officer, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    message = enquiry_message_send(enquiry=enquiry, author=member, text="Private", files=[upload("a.pdf", PDF)])
    stored = message.files.get().file
    storage, name = stored.storage, stored.name
    enquiry.first_contact_at = enquiry.submitted_at
    enquiry.status = Status.CLOSED
    enquiry.outcome = "Resolved"
    enquiry.closed_at = timezone.now() - timedelta(days=365 * 10)
    enquiry.save()

    with django_capture_on_commit_callbacks(execute=True):
        enquiries_anonymise_due()

    assert not EnquiryMessage.objects.filter(enquiry=enquiry).exists()
    assert not storage.exists(name)


def test_admin_shows_the_conversation_with_unread_marked_then_marks_it_read(client, member, enquiry, officer):
    enquiry_message_send(enquiry=enquiry, author=member, text="Are you there?")
    client.force_login(officer)
    url = reverse("admin:enquiries_enquiry_change", args=[enquiry.pk])

    first = client.get(url).content.decode()
    second = client.get(url).content.decode()

    assert "Are you there?" in first
    assert 'class="triage-new"' in first
    assert "Are you there?" in second
    assert 'class="triage-new"' not in second


def test_triage_list_shows_a_reply_waiting_until_the_lmc_answers(client, member, enquiry, officer):
    enquiry_message_send(enquiry=enquiry, author=member, text="Are you there?")
    client.force_login(officer)
    changelist = reverse("admin:enquiries_enquiry_changelist")

    assert "Reply waiting" in client.get(changelist).content.decode()
    enquiry_message_send(enquiry=enquiry, author=officer, text="Yes")
    assert "Reply waiting" not in client.get(changelist).content.decode()


def test_staff_write_from_the_admin_and_the_member_is_told(
    client, member, enquiry, officer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:enquiries_enquiry_message", args=[enquiry.pk]),
            {"text": "Here is our note of the call", "files": [upload("note.pdf", PDF)]},
        )

    assert response.status_code == 302
    message = EnquiryMessage.objects.get()
    assert message.from_lmc
    assert message.files.count() == 1
    assert [email.to for email in mailoutbox] == [[member.email]]


def test_admin_document_download_is_logged(client, member, enquiry, officer):
    from enquiries.models import EnquiryAccess

    message = enquiry_message_send(enquiry=enquiry, author=member, text="", files=[upload("a.pdf", PDF)])
    client.force_login(officer)

    response = client.get(reverse("admin:enquiries_enquiry_document", args=[enquiry.pk, message.files.get().pk]))

    assert response.status_code == 200
    assert EnquiryAccess.objects.filter(enquiry=enquiry, user=officer, note__startswith="Downloaded").exists()


def test_colleague_message_is_shown_with_their_name_to_the_sender(client, member, practice):
    colleague = MembershipFactory(practice=practice, user__first_name="Carla").user
    enquiry = EnquiryFactory(practice=practice, submitted_by=member, sharing=Sharing.PRACTICE)
    enquiry_message_send(enquiry=enquiry, author=colleague, text="I agree with this")
    client.force_login(member)

    page = client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})).content.decode()

    assert "Carla" in page
    assert "I agree with this" in page


def test_enquiry_page_query_count_does_not_grow_with_the_conversation(
    member_client, member, enquiry, officer, django_assert_max_num_queries
):
    for n in range(12):
        enquiry_message_send(enquiry=enquiry, author=member if n % 2 else officer, text=f"Message {n}", files=[upload("a.pdf", PDF)])

    with django_assert_max_num_queries(16):
        response = member_client.get(reverse("enquiries:detail", kwargs={"reference": enquiry.reference}))

    assert response.content.decode().count("Message ") >= 12


def test_triage_list_filters_to_enquiries_with_a_reply_waiting(client, member, practice, enquiry, officer):
    quiet = EnquiryFactory(practice=practice)
    enquiry_message_send(enquiry=enquiry, author=member, text="Hello?")
    client.force_login(officer)

    page = client.get(reverse("admin:enquiries_enquiry_changelist") + "?message=waiting").content.decode()

    assert enquiry.reference in page
    assert quiet.reference not in page


@pytest.mark.django_db
def test_the_subject_access_export_holds_the_documents_themselves():
    import io
    import zipfile

    from privacy.personal_data import personal_data_export

    message = message_with_pdf(practice=MembershipFactory().practice, text="Here is the agreement")
    document = message.files.get()

    with zipfile.ZipFile(io.BytesIO(personal_data_export(user=message.enquiry.submitted_by))) as archive:
        path = f"documents/{message.enquiry.reference}/{document.pk}-{document.name}"
        assert archive.read(path) == PDF
        assert path in archive.read("enquiry_messages.csv").decode()


@pytest.mark.django_db
def test_a_colleague_export_leaves_out_documents_on_enquiries_they_did_not_send_or_write_on():
    import io
    import zipfile

    from privacy.personal_data import personal_data_export

    message = message_with_pdf(practice=MembershipFactory().practice, sharing=Sharing.PRACTICE)
    colleague = MembershipFactory(practice=message.enquiry.practice).user

    with zipfile.ZipFile(io.BytesIO(personal_data_export(user=colleague))) as archive:
        assert not [name for name in archive.namelist() if name.startswith("documents/")]
