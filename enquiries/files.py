"""Which documents may be attached to an enquiry message, judged by their content.

A file's name and the browser's content type are what the sender claims; the
first bytes (and, for Word and Excel, the parts inside the ZIP or OLE2
container) are what the file is. Pure functions of bytes: no Django models.
"""

import zipfile
from dataclasses import dataclass
from typing import IO

__all__ = ["FILE_MAX_BYTES", "FILES_PER_MESSAGE", "KINDS", "FileKind", "file_kind", "file_refusal"]

FILE_MAX_BYTES = 10 * 1024 * 1024
FILES_PER_MESSAGE = 5


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    extension: str
    content_type: str


KINDS = {
    kind.code: kind
    for kind in [
        FileKind("pdf", "PDF", "pdf", "application/pdf"),
        FileKind("docx", "Word", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        FileKind("doc", "Word", "doc", "application/msword"),
        FileKind("xlsx", "Excel", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        FileKind("xls", "Excel", "xls", "application/vnd.ms-excel"),
        FileKind("png", "PNG image", "png", "image/png"),
        FileKind("jpeg", "JPEG image", "jpg", "image/jpeg"),
    ]
}

ALLOWED_WORDS = "PDF, Word, Excel, PNG or JPEG"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in an OLE2 directory are UTF-16LE.
OLE2_WORD = "WordDocument".encode("utf-16-le")
OLE2_EXCEL = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


def _ooxml_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _ole2_kind(stream: IO[bytes]) -> str | None:
    # The directory sits anywhere in the file; legacy Office files are small
    # enough (under our 10 MB limit) to scan.
    content = stream.read(FILE_MAX_BYTES + 1)
    if OLE2_WORD in content:
        return "doc"
    if any(name in content for name in OLE2_EXCEL):
        return "xls"
    return None


def file_kind(stream: IO[bytes]) -> str | None:
    """Return the KINDS code of the document in `stream` by its content, or None if it is none of them."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head == b"\x89PNG\r\n\x1a\n":
            return "png"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        if head.startswith(b"PK\x03\x04"):
            return _ooxml_kind(stream)
        if head == OLE2_MAGIC:
            return _ole2_kind(stream)
        return None
    finally:
        stream.seek(0)


def file_refusal(*, name: str, size: int, kind: str | None) -> str | None:
    """Return why a file cannot be attached, in words for the sender, or None if it can."""
    if size > FILE_MAX_BYTES:
        megabytes = size / (1024 * 1024)
        return (
            f"{name} is {megabytes:.1f} MB. Each file must be 10 MB or smaller: "
            "make it smaller or split it, then choose it again."
        )
    if size == 0:
        return f"{name} is empty. Choose the file again."
    if kind is None:
        return f"{name} is not a {ALLOWED_WORDS} file. Save it as one of those, then choose it again."
    return None
