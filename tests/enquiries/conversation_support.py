"""Helpers for tests of the member's side: documents as bytes, and a message with a PDF."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from enquiries.models import EnquiryFile, EnquiryMessage, Sharing
from tests.enquiries.factories import EnquiryFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
HTML = b"<html><script>alert(1)</script></html>"


def office_zip(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("[Content_Types].xml", *members):
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX = office_zip("word/document.xml")
XLSX = office_zip("xl/workbook.xml")
OLE2_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "WordDocument".encode("utf-16-le") + b"\x00" * 50
OLE2_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "Workbook".encode("utf-16-le") + b"\x00" * 50


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def message_with_pdf(*, practice, text: str = "Here is the agreement", sharing=Sharing.ONLY_ME) -> EnquiryMessage:
    """A member's message with a PDF on an enquiry of `practice`, stored through the enquiry storage."""
    from django.utils import timezone

    enquiry = EnquiryFactory(practice=practice, sharing=sharing)
    message = EnquiryMessage.objects.create(
        enquiry=enquiry, author=enquiry.submitted_by, from_lmc=False, text=text, created_at=timezone.now()
    )
    document = EnquiryFile(message=message, name="agreement.pdf", kind="pdf", size=len(PDF), created_at=timezone.now())
    document.file.save("agreement.pdf", upload("agreement.pdf", PDF), save=False)
    document.save()
    return message
