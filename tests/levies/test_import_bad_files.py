"""Files that used to crash the list-size import: each gets a clear message naming the line, never a 500.

Through the admin upload on PostgreSQL, whose JSON column rejects the NUL
character that SQLite accepts.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from levies.models import ListSize, ListSizeImport
from tests.factories import PracticeFactory
from tests.levies.test_listsize_csv import NHS_HEADER, nhs_row

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

IMPORT_URL = reverse("admin:levies_listsize_import")


@pytest.fixture(autouse=True)
def practices(db):
    return [PracticeFactory(ods_code="P81001"), PracticeFactory(ods_code="P81002")]


@pytest.fixture
def send(levy_admin_client, django_capture_on_commit_callbacks):
    """Upload `content` (bytes) as the levy administrator; return (upload response, preview page text)."""

    def _send(content: bytes, name: str = "gp-reg-pat-prac-all.csv", **data):
        with django_capture_on_commit_callbacks(execute=True):
            response = levy_admin_client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content), **data})
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            return response, response.content.decode()
        preview = levy_admin_client.get(response["Location"])
        assert preview.status_code == 200
        return response, preview.content.decode()

    return _send


def only_import() -> ListSizeImport:
    return ListSizeImport.objects.get()


def test_old_mac_line_endings_are_read_line_by_line(send):
    content = (NHS_HEADER + nhs_row("P81001", "10234") + nhs_row("P81002", "12x") + nhs_row("P81002", "7950", sex="MALE"))
    _, page = send(content.replace("\n", "\r").encode())

    staged = only_import()
    assert staged.status == ListSizeImport.Status.READY
    assert staged.result["bad_rows"] == [[3, "P81002: the number of patients “12x” is not a whole number."]]
    assert "Line 3" in page or ">3<" in page


def test_a_nul_byte_in_a_data_row_is_reported_with_its_line(send):
    content = NHS_HEADER + nhs_row("P81001", "10234") + nhs_row("P810\x0002", "7950")
    _, page = send(content.encode())

    staged = only_import()
    assert staged.status == ListSizeImport.Status.FAILED
    assert "line 3" in staged.error.lower()
    assert staged.error in page
    assert not ListSize.objects.exists()


def test_a_file_in_another_encoding_is_reported_with_its_line(send):
    content = (NHS_HEADER + nhs_row("P81001", "10234")).encode() + "Surgery £,,,,,,,,,\n".encode("latin-1")
    _, page = send(content)

    staged = only_import()
    assert staged.status == ListSizeImport.Status.FAILED
    assert "line 3" in staged.error.lower()
    assert "UTF-8" in staged.error
    assert staged.error in page


def test_a_utf16_file_says_how_to_save_it(send):
    _, page = send((NHS_HEADER + nhs_row("P81001", "10234")).encode("utf-16"))

    assert "CSV UTF-8" in page
    assert not ListSize.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4, "list-sizes.xlsx"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x00\n", "list-sizes.pdf"),
    ],
)
def test_a_file_that_is_not_csv_is_refused_with_a_reason(send, content, name):
    response, page = send(content, name)

    assert "not a CSV file" in page
    assert not ListSize.objects.exists()
    assert not ListSizeImport.objects.filter(status=ListSizeImport.Status.READING).exists()


@pytest.mark.parametrize("content", [b"", b"\n\n\r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused_with_a_reason(send, content):
    _, page = send(content)

    assert "empty" in page
    assert not ListSizeImport.objects.filter(status=ListSizeImport.Status.READING).exists()
