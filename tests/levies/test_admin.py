import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from levies.models import LevyKind, ListSize, ListSizeImport
from levies.periods import Quarter
from members.permissions import PROGRAMME_ADMIN
from tests.conftest import give_totp
from tests.factories import PCNFactory, PracticeFactory, StaffFactory
from tests.levies.factories import ListSizeFactory, RemittanceFactory
from tests.levies.test_listsize_csv import NHS_HEADER, nhs_row

IMPORT_URL = reverse("admin:levies_listsize_import")
RECONCILIATION_URL = reverse("admin:levies_reconciliation")
CSV_URL = reverse("admin:levies_reconciliation_csv")
NHS_FILE = NHS_HEADER + nhs_row("P81001", "10234") + nhs_row("Y99999", "3000")


def csv_upload(content: str, name: str = "gp-reg-pat-prac-all.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


@pytest.fixture
def programme_admin_client(db):
    user = StaffFactory(groups=[PROGRAMME_ADMIN])
    give_totp(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def staged(db):
    return ListSizeImport.objects.create(file_name="x.csv", file_format="nhs", status=ListSizeImport.Status.READY,
                                         quarter_start=date(2026, 10, 1), result={"rows": [], "bad_rows": []})  # fmt: skip


def test_levy_administrator_uploads_previews_and_confirms_an_nhs_file(levy_admin_client, django_capture_on_commit_callbacks):
    PracticeFactory(ods_code="P81001")

    with django_capture_on_commit_callbacks(execute=True):
        response = levy_admin_client.post(IMPORT_URL, {"file": csv_upload(NHS_FILE)})
    preview = levy_admin_client.get(response["Location"])
    page = preview.content.decode()
    confirm = levy_admin_client.post(reverse("admin:levies_listsize_import_confirm", args=[preview.context["staged"].pk]), follow=True)

    assert "Q3 2026/27 (October to December 2026)" in page
    assert "Y99999" in page
    assert "Import 1 list sizes for Q3 2026/27" in page
    assert ListSize.objects.get(practice__ods_code="P81001", quarter_start=date(2026, 10, 1)).patients == 10234
    assert "1 new, 0 changed, 0 already up to date" in confirm.content.decode()


def test_preview_names_each_changed_practice_with_its_old_and_new_list_size(levy_admin_client, django_capture_on_commit_callbacks):
    practice = PracticeFactory(name="Riverside Surgery", ods_code="P81001")
    ListSizeFactory(practice=practice, quarter_start=date(2026, 10, 1), patients=9_000)

    with django_capture_on_commit_callbacks(execute=True):
        response = levy_admin_client.post(IMPORT_URL, {"file": csv_upload(NHS_FILE)})
    page = levy_admin_client.get(response["Location"]).content.decode()

    assert "<td>Riverside Surgery (P81001)</td><td>9,000</td><td>10,234</td>" in page
    assert "Import 1 list sizes for Q3 2026/27" in page


def test_preview_lists_each_bad_row_and_offers_no_import(levy_admin_client, django_capture_on_commit_callbacks):
    PracticeFactory(ods_code="P81001")

    with django_capture_on_commit_callbacks(execute=True):
        response = levy_admin_client.post(IMPORT_URL, {"file": csv_upload("P81001,12a\n", "plain.csv"), "quarter": "2026-10-01"})
    page = levy_admin_client.get(response["Location"]).content.decode()

    assert "P81001: the number of patients “12a” is not a whole number." in page
    assert "Import 0" not in page
    assert 'value="Import' not in page


def test_two_column_file_without_a_quarter_is_sent_back_with_a_message(levy_admin_client):
    response = levy_admin_client.post(IMPORT_URL, {"file": csv_upload("P81001,100\n", "plain.csv")})

    assert response.status_code == 200
    assert "Choose the quarter these list sizes are for" in response.content.decode()
    assert not ListSizeImport.objects.exists()


def test_status_reports_progress_as_json(levy_admin_client, staged):
    response = levy_admin_client.get(reverse("admin:levies_listsize_import_status", args=[staged.pk]))

    assert response.json() == {"status": "ready", "label": "Ready to check and confirm", "percent": 100, "done": True}


def test_discarded_import_cannot_be_confirmed(levy_admin_client, staged):
    levy_admin_client.post(reverse("admin:levies_listsize_import_discard", args=[staged.pk]))
    response = levy_admin_client.post(reverse("admin:levies_listsize_import_confirm", args=[staged.pk]), follow=True)

    assert "cannot be confirmed: it is discarded" in response.content.decode()


@pytest.mark.parametrize("client_fixture", ["officer_client", "programme_admin_client"])
def test_officers_and_programme_administrators_cannot_import(request, client_fixture, staged):
    client = request.getfixturevalue(client_fixture)

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"file": csv_upload(NHS_FILE)}).status_code == 403
    assert client.get(reverse("admin:levies_listsize_import_preview", args=[staged.pk])).status_code == 403
    assert client.post(reverse("admin:levies_listsize_import_confirm", args=[staged.pk])).status_code == 403
    assert not ListSizeImport.objects.exclude(pk=staged.pk).exists()


def test_members_are_kept_out_of_every_staff_levy_page(member_client, staged):
    for url in [IMPORT_URL, RECONCILIATION_URL, CSV_URL, reverse("admin:levies_listsize_import_preview", args=[staged.pk])]:
        response = member_client.get(url)
        assert response.status_code == 302, url
        assert "login" in response["Location"], url


def test_officer_can_see_the_reconciliation_but_programme_administrator_cannot(officer_client, programme_admin_client):
    assert officer_client.get(RECONCILIATION_URL).status_code == 200
    assert programme_admin_client.get(RECONCILIATION_URL).status_code == 403


@pytest.fixture
def quarter_with_money(rates_2026):
    """Q1 2026/27: one matched practice in one PCN, one short practice in another."""
    north, south = PCNFactory(name="North PCN"), PCNFactory(name="South PCN")
    matched = PracticeFactory(name="Matched Surgery", pcn=north)
    short = PracticeFactory(name="Short Surgery", pcn=south)
    for practice in (matched, short):
        ListSizeFactory(practice=practice, quarter_start=date(2026, 4, 1), patients=10_234)
    RemittanceFactory(practice=matched, kind=LevyKind.STATUTORY, amount=Decimal("1074.57"))
    RemittanceFactory(practice=short, kind=LevyKind.STATUTORY, amount=Decimal("1000.00"))
    return north, south


def test_quarter_view_shows_totals_and_states(levy_admin_client, quarter_with_money):
    page = levy_admin_client.get(RECONCILIATION_URL, {"quarter": "2026-04-01"}).content.decode()

    assert "£2,149.14" in page  # statutory expected for two practices
    assert "£2,074.57" in page  # statutory received
    assert "Matched: 1" in page
    assert "Short: 1" in page
    assert "Missing: 2" in page


def test_quarter_view_filters_by_pcn_state_and_kind(levy_admin_client, quarter_with_money):
    north, _south = quarter_with_money
    by_pcn = levy_admin_client.get(RECONCILIATION_URL, {"quarter": "2026-04-01", "pcn": north.pk}).context["lines"]
    by_state = levy_admin_client.get(RECONCILIATION_URL, {"quarter": "2026-04-01", "state": "short"}).context["lines"]
    by_kind = levy_admin_client.get(RECONCILIATION_URL, {"quarter": "2026-04-01", "kind": "gpdf"}).context["lines"]

    assert {line.expected.practice.name for line in by_pcn} == {"Matched Surgery"}
    assert [(line.expected.practice.name, line.difference) for line in by_state] == [("Short Surgery", Decimal("-74.57"))]
    assert {line.expected.kind for line in by_kind} == {"gpdf"}


def test_quarter_view_defaults_to_the_last_finished_quarter(levy_admin_client):
    with time_machine.travel("2026-08-10 09:00 +01:00", tick=False):
        response = levy_admin_client.get(RECONCILIATION_URL)

    assert response.context["period"].quarters == [Quarter(2026, 1)]


def test_finance_csv_has_one_row_per_practice_and_levy_with_plain_numbers(levy_admin_client, quarter_with_money):
    response = levy_admin_client.get(CSV_URL, {"quarter": "2026-04-01", "state": "short"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert response["Content-Disposition"] == 'attachment; filename="levies-2026-27-q1.csv"'
    assert rows[0][:3] == ["Financial year", "Quarter", "Practice"]
    assert rows[1][2] == "Short Surgery"
    assert rows[1][5:12] == ["Statutory levy", "10234", "42.00", "1074.57", "1000.00", "-74.57", "Short"]
    assert len(rows) == 2


def test_year_end_csv_covers_all_four_quarters(levy_admin_client, levy_admin, quarter_with_money):
    with time_machine.travel("2027-04-20 09:00 +01:00", tick=False):
        levy_admin_client.force_login(levy_admin)  # a session from "now" would have expired by then
        response = levy_admin_client.get(CSV_URL, {"quarter": "2026", "kind": "statutory"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert response["Content-Disposition"] == 'attachment; filename="levies-2026-27.csv"'
    assert sorted({(row[0], row[1]) for row in rows[1:]}) == [("2026/27", f"Q{n}") for n in (1, 2, 3, 4)]
    assert len(rows) == 1 + 2 * 4


def test_whole_year_view_shows_the_quarter_of_each_row(levy_admin_client, levy_admin, quarter_with_money):
    with time_machine.travel("2027-04-20 09:00 +01:00", tick=False):
        levy_admin_client.force_login(levy_admin)  # a session from "now" would have expired by then
        page = levy_admin_client.get(RECONCILIATION_URL, {"quarter": "2026"}).content.decode()

    assert "Levies expected and received: 2026/27 (April 2026 to March 2027)" in page
    assert "Q4 2026/27" in page


def test_csv_defuses_a_name_a_spreadsheet_would_run(levy_admin_client, rates_2026):
    PracticeFactory(name="=HYPERLINK(\"http://evil\")")

    rows = list(csv.reader(io.StringIO(levy_admin_client.get(CSV_URL, {"quarter": "2026-04-01"}).content.decode())))

    assert rows[1][2].startswith("'=")


def test_levy_administrator_records_a_remittance(levy_admin_client, practice):
    response = levy_admin_client.post(
        reverse("admin:levies_remittance_add"),
        {"practice": practice.pk, "financial_year": "2026/27", "quarter": 2, "kind": "statutory",
         "amount": "1074.57", "date_received": "2026-10-20", "reference": "ICB-123"},  # fmt: skip
    )

    assert response.status_code == 302
    assert practice.remittances.get().amount == Decimal("1074.57")


def test_remittance_with_a_badly_written_year_is_refused_with_a_message(levy_admin_client, practice):
    response = levy_admin_client.post(
        reverse("admin:levies_remittance_add"),
        {"practice": practice.pk, "financial_year": "2026-27", "quarter": 2, "kind": "statutory",
         "amount": "10", "date_received": "2026-10-20"},  # fmt: skip
    )

    assert "Enter the financial year like 2026/27." in response.content.decode()
    assert not practice.remittances.exists()


def test_quarter_view_query_count_does_not_grow_with_practices(levy_admin_client, rates_2026, django_assert_max_num_queries):
    for _ in range(30):
        practice = PracticeFactory()
        ListSizeFactory(practice=practice, quarter_start=date(2026, 4, 1))
        RemittanceFactory(practice=practice)

    # session, user, permissions (x2), PCN choices, practices, list sizes, rates, remittances, sidebar
    with django_assert_max_num_queries(14):
        response = levy_admin_client.get(RECONCILIATION_URL, {"quarter": "2026-04-01"})
    assert len(response.context["lines"]) == 60


def test_a_spreadsheet_file_is_refused_with_a_message(levy_admin_client):
    workbook = SimpleUploadedFile("sizes.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", content_type="application/vnd.ms-excel")

    response = levy_admin_client.post(IMPORT_URL, {"file": workbook, "quarter": "2026-10-01"})

    assert "This is an Excel workbook or another zipped file, not a CSV file." in response.content.decode()
    assert not ListSizeImport.objects.exists()


def test_import_waiting_too_long_says_the_worker_may_have_stopped(levy_admin_client, levy_admin):
    with time_machine.travel("2026-11-22 10:00 +00:00", tick=False):
        staged = ListSizeImport.objects.create(file_name="x.csv", file_format="nhs", uploaded_by=levy_admin)
    with time_machine.travel("2026-11-22 10:06 +00:00", tick=False):
        levy_admin_client.force_login(levy_admin)
        page = levy_admin_client.get(reverse("admin:levies_listsize_import_preview", args=[staged.pk])).content.decode()

    assert "background worker may have stopped" in page
    assert "Discard this file" in page
