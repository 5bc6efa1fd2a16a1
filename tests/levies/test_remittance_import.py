from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from levies.models import LevyKind, Remittance
from levies.remittance_csv import RemittanceFileProblem, parse_remittances
from levies.services import remittance_import_preview
from tests.factories import PracticeFactory
from tests.levies.factories import RemittanceFactory

HEADER = "ods_code,financial_year,quarter,levy,amount,date_received,reference\n"
IMPORT_URL = reverse("admin:levies_remittance_import")
CONFIRM_URL = reverse("admin:levies_remittance_import_confirm")
FILE = HEADER + 'P81001,2026/27,1,statutory,"1,074.57",2026-07-20,ICB-1\nP81001,2026/27,Q1,GPDF,153.51,20/07/2026,ICB-2\n'


def parse(text: str):
    return parse_remittances(text.splitlines(keepends=True))


def test_remittance_rows_are_read_with_pounds_and_pence():
    rows = parse(FILE).rows

    assert [(r.ods_code, r.quarter, r.kind, r.amount, r.date_received) for r in rows] == [
        ("P81001", 1, "statutory", Decimal("1074.57"), date(2026, 7, 20)),
        ("P81001", 1, "gpdf", Decimal("153.51"), date(2026, 7, 20)),
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("P81001,2026/27,1,statutory,10.005,2026-07-20,R", "should be pounds and pence"),
        ("P81001,2026/27,1,statutory,-5,2026-07-20,R", "should be pounds and pence"),
        ("P81001,2026-27,1,statutory,5,2026-07-20,R", "like 2026/27"),
        ("P81001,2026/27,5,statutory,5,2026-07-20,R", "should be 1, 2, 3 or 4"),
        ("P81001,2026/27,1,local,5,2026-07-20,R", "statutory or gpdf"),
        ("P81001,2026/27,1,statutory,5,July,R", "Date received"),
        ("P81001,2026/27,1,statutory,5,2026-07-20,", "Give the remittance reference"),
    ],
)
def test_bad_remittance_row_is_reported_with_its_line(row, reason):
    parsed = parse(HEADER + row + "\n")

    assert parsed.bad_rows[0].line == 2
    assert reason in parsed.bad_rows[0].reason


def test_same_remittance_twice_in_a_file_is_reported():
    parsed = parse(FILE + "P81001,2026/27,1,statutory,1074.57,2026-07-20,ICB-1\n")

    assert parsed.bad_rows[0].reason == "This remittance is also on line 2."


def test_file_without_the_columns_is_refused():
    with pytest.raises(RemittanceFileProblem, match="Missing: reference"):
        parse("ods_code,financial_year,quarter,levy,amount,date_received\n")


def test_preview_sorts_new_already_recorded_and_unknown(db):
    practice = PracticeFactory(ods_code="P81001")
    RemittanceFactory(practice=practice, quarter=1, kind=LevyKind.STATUTORY, amount=Decimal("1074.57"), reference="ICB-1")

    preview = remittance_import_preview(rows=parse(FILE + "Y99999,2026/27,1,gpdf,1,2026-07-20,ICB-3\n").rows)

    assert [row.reference for row in preview.new] == ["ICB-2"]
    assert preview.already_recorded == 1
    assert preview.bad_rows == [(4, "Y99999 is not a practice the portal knows.")]


def test_same_reference_with_a_different_amount_is_not_overwritten(db):
    practice = PracticeFactory(ods_code="P81001")
    RemittanceFactory(practice=practice, quarter=1, kind=LevyKind.STATUTORY, amount=Decimal("1000.00"), reference="ICB-1")

    preview = remittance_import_preview(rows=parse(FILE).rows)

    assert "already recorded for P81001 as £1,000.00" in preview.bad_rows[0][1]


def test_database_records_a_reference_once(practice):
    RemittanceFactory(practice=practice, reference="ICB-1")

    with pytest.raises(IntegrityError):
        RemittanceFactory(practice=practice, reference="ICB-1")


def upload(client, text: str):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile("remittances.csv", text.encode(), content_type="text/csv")})


def test_levy_administrator_imports_remittances_and_a_second_upload_records_nothing(levy_admin_client):
    PracticeFactory(ods_code="P81001")

    preview = upload(levy_admin_client, FILE)
    levy_admin_client.post(CONFIRM_URL, {"token": preview.context["token"]})
    again = upload(levy_admin_client, FILE)

    assert "Record 2 remittances" in preview.content.decode()
    assert Remittance.objects.count() == 2
    assert again.context["preview"].already_recorded == 2
    assert "already recorded, so there is nothing to import" in again.content.decode()


def test_confirm_without_the_previewed_token_records_nothing(levy_admin_client):
    PracticeFactory(ods_code="P81001")
    upload(levy_admin_client, FILE)

    response = levy_admin_client.post(CONFIRM_URL, {"token": "guessed"}, follow=True)

    assert "That preview has expired" in response.content.decode()
    assert not Remittance.objects.exists()


def test_file_with_a_bad_row_records_nothing(levy_admin_client):
    PracticeFactory(ods_code="P81001")

    response = upload(levy_admin_client, FILE + "P81001,2026/27,2,statutory,12a,2026-10-20,ICB-9\n")

    assert "Amount “12a” should be pounds and pence" in response.content.decode()
    assert 'value="Record' not in response.content.decode()
    assert levy_admin_client.post(CONFIRM_URL, {"token": response.context["token"] or "x"}).status_code == 302
    assert not Remittance.objects.exists()


def test_officer_cannot_import_remittances(client, staff_user):
    client.force_login(staff_user)

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(CONFIRM_URL, {"token": "x"}).status_code == 403
