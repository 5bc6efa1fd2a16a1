import io
import json
import zipfile
from pathlib import Path

from tests.e2e.conftest import assert_accessible, log_in
from tests.enquiries.factories import EnquiryFactory
from tests.factories import PASSWORD, MembershipFactory


def test_member_finds_your_data_by_keyboard_and_downloads_only_their_own(page):
    membership = MembershipFactory()
    mine = EnquiryFactory(practice=membership.practice, submitted_by=membership.user, summary="Our succession plan")
    colleagues = EnquiryFactory(practice=membership.practice, summary="A colleague's rota worry")

    log_in(page, membership.user.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Your data").click()
    page.wait_for_url("**/account/your-data/")
    assert_accessible(page)

    button = page.get_by_role("button", name="Download your data (ZIP file)")
    button.focus()
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    content = Path(download_info.value.path()).read_bytes()

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        data = json.loads(archive.read("personal_data.json"))
    assert [e["reference"] for e in data["enquiries"]] == [mine.reference]
    assert colleagues.reference not in json.dumps(data)
