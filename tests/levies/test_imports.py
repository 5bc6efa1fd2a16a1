import gzip
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from levies.listsize_csv import detect_format
from levies.models import ListSize, ListSizeImport
from levies.periods import Quarter
from levies.services import (
    imports,
    list_size_import_apply,
    list_size_import_preview,
    list_size_import_read,
    list_size_import_start,
)
from tests.factories import PracticeFactory, StaffFactory
from tests.levies.factories import ListSizeFactory
from tests.levies.test_listsize_csv import NHS_HEADER, nhs_row

Q3 = Quarter(2026, 3)


@pytest.fixture
def practices(db):
    return [PracticeFactory(ods_code="P81001"), PracticeFactory(ods_code="P81002")]


@pytest.fixture
def importer(db):
    return StaffFactory()


@pytest.fixture
def upload(importer, django_capture_on_commit_callbacks):
    """Upload `content` and let the (eager) Celery task read it; return the import."""

    def _upload(content: str, *, quarter: Quarter | None = None) -> ListSizeImport:
        with django_capture_on_commit_callbacks(execute=True):
            staged = list_size_import_start(
                upload=io.BytesIO(content.encode()),
                file_name="list-sizes.csv",
                file_format=detect_format(content.splitlines()[0]),
                quarter=quarter,
                uploaded_by=importer,
            )
        staged.refresh_from_db()
        return staged

    return _upload


NHS_FILE = NHS_HEADER + nhs_row("P81001", "10234") + nhs_row("P81001", "5000", sex="FEMALE") + nhs_row("P81002", "7950") + nhs_row("Y99999", "3000")


def test_nhs_file_imports_the_known_practices_for_the_extract_quarter(practices, upload, importer):
    staged = upload(NHS_FILE)

    preview = list_size_import_preview(staged=staged)
    assert (len(preview.new), len(preview.changed), preview.unchanged, preview.rows_skipped) == (2, 0, 0, 1)
    outcome = list_size_import_apply(import_id=staged.pk, applied_by=importer)

    assert outcome.created == 2
    sizes = dict(ListSize.objects.filter(quarter_start=date(2026, 10, 1)).values_list("practice__ods_code", "patients"))
    assert sizes == {"P81001": 10234, "P81002": 7950}
    assert ListSize.objects.filter(source=ListSize.Source.NHS_FILE, imported_by=importer).count() == 2


def test_unknown_codes_are_listed_with_their_line_and_left_out(practices, upload, importer):
    staged = upload(NHS_FILE)

    preview = list_size_import_preview(staged=staged)
    list_size_import_apply(import_id=staged.pk, applied_by=importer)

    assert preview.unknown == [("Y99999", 5)]
    assert preview.can_confirm
    assert not ListSize.objects.filter(practice__ods_code="Y99999").exists()


def test_plain_file_imports_for_the_chosen_quarter(practices, upload, importer):
    staged = upload("ods_code,patients\nP81001,10234\nP81002,7950\n", quarter=Q3)

    list_size_import_apply(import_id=staged.pk, applied_by=importer)

    assert ListSize.objects.get(practice__ods_code="P81001", quarter_start=date(2026, 10, 1)).source == ListSize.Source.PLAIN_FILE


def test_bad_number_blocks_the_whole_import(practices, upload, importer):
    staged = upload("ods_code,patients\nP81001,10234\nP81002,79x0\n", quarter=Q3)

    preview = list_size_import_preview(staged=staged)
    assert preview.bad_rows == [(3, "P81002: the number of patients “79x0” is not a whole number.")]
    assert not preview.can_confirm
    with pytest.raises(ValidationError):
        list_size_import_apply(import_id=staged.pk, applied_by=importer)
    assert not ListSize.objects.exists()


def test_duplicate_code_blocks_the_whole_import(practices, upload, importer):
    staged = upload("ods_code,patients\nP81001,10234\nP81001,10234\n", quarter=Q3)

    assert "appears more than once" in list_size_import_preview(staged=staged).bad_rows[0][1]
    with pytest.raises(ValidationError):
        list_size_import_apply(import_id=staged.pk, applied_by=importer)
    assert not ListSize.objects.exists()


def test_importing_the_same_file_twice_changes_nothing(practices, upload, importer):
    list_size_import_apply(import_id=upload(NHS_FILE).pk, applied_by=importer)
    before = list(ListSize.objects.order_by("pk").values())

    again = upload(NHS_FILE)
    preview = list_size_import_preview(staged=again)
    outcome = list_size_import_apply(import_id=again.pk, applied_by=StaffFactory())

    assert (len(preview.new), len(preview.changed), preview.unchanged) == (0, 0, 2)
    assert not preview.can_confirm
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)
    assert list(ListSize.objects.order_by("pk").values()) == before


def test_changed_list_size_is_updated_and_the_rest_left_alone(practices, upload, importer):
    old = ListSizeFactory(practice=practices[0], quarter_start=date(2026, 10, 1), patients=9_000)
    untouched = ListSizeFactory(practice=practices[1], quarter_start=date(2026, 10, 1), patients=7_950)
    staged = upload(NHS_FILE)

    preview = list_size_import_preview(staged=staged)
    outcome = list_size_import_apply(import_id=staged.pk, applied_by=importer)

    assert [(p.ods_code, was, now) for p, was, now in preview.changed] == [("P81001", 9000, 10234)]
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    old.refresh_from_db()
    assert old.patients == 10234
    assert ListSize.objects.get(pk=untouched.pk).import_batch is None


def test_changed_list_size_records_which_import_changed_it_who_confirmed_and_when(practices, upload, importer):
    old = ListSizeFactory(practice=practices[0], quarter_start=date(2026, 10, 1), patients=9_000, source=ListSize.Source.MANUAL)
    staged = upload(NHS_FILE)
    before = timezone.now()

    list_size_import_apply(import_id=staged.pk, applied_by=importer)

    old.refresh_from_db()
    assert (old.patients, old.source, old.imported_by, old.import_batch) == (10234, ListSize.Source.NHS_FILE, importer, staged)
    assert before <= old.imported_at <= timezone.now()


def test_failed_import_leaves_the_database_unchanged(practices, upload, importer, monkeypatch):
    ListSizeFactory(practice=practices[0], quarter_start=date(2026, 10, 1), patients=9_000)
    staged = upload(NHS_FILE)  # P81002 is new, P81001 changes
    before = list(ListSize.objects.order_by("pk").values())

    def fail(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    # bulk_create has already written P81002's new row when updating P81001 fails.
    monkeypatch.setattr(imports, "_update_changed", fail)
    with pytest.raises(ValidationError, match="Nothing was imported"):
        list_size_import_apply(import_id=staged.pk, applied_by=importer)

    assert list(ListSize.objects.order_by("pk").values()) == before
    staged.refresh_from_db()
    assert staged.status == ListSizeImport.Status.READY


def test_an_import_cannot_be_confirmed_twice(practices, upload, importer):
    staged = upload(NHS_FILE)
    list_size_import_apply(import_id=staged.pk, applied_by=importer)

    with pytest.raises(ValidationError, match="imported"):
        list_size_import_apply(import_id=staged.pk, applied_by=importer)


def test_reading_twice_does_nothing_the_second_time(practices, upload):
    staged = upload(NHS_FILE)
    list_size_import_read(import_id=staged.pk)

    staged.refresh_from_db()
    assert staged.status == ListSizeImport.Status.READY
    assert len(staged.result["rows"]) == 2


def test_uploaded_file_is_not_kept_once_read(practices, upload):
    staged = upload(NHS_FILE)

    assert bytes(staged.data) == b""
    assert staged.percent_read == 100


def test_file_missing_a_column_fails_with_a_reason(practices, upload):
    staged = upload("EXTRACT_DATE,CODE,SEX,AGE\n01OCT2026,P81001,ALL,ALL\n")

    assert staged.status == ListSizeImport.Status.FAILED
    assert "NUMBER_OF_PATIENTS" in staged.error


def test_file_discarded_while_being_read_stays_discarded(practices, importer, monkeypatch):
    from levies.services import imports, list_size_import_discard

    staged = ListSizeImport.objects.create(file_name="x.csv", file_format="nhs", uploaded_by=importer, data=gzip.compress(NHS_FILE.encode()))
    real_parse = imports.parse_list_sizes

    def parse_then_discard(*args, **kwargs):
        parsed = real_parse(*args, **kwargs)
        list_size_import_discard(import_id=staged.pk)  # someone presses Discard meanwhile
        return parsed

    monkeypatch.setattr(imports, "parse_list_sizes", parse_then_discard)
    list_size_import_read(import_id=staged.pk)

    staged.refresh_from_db()
    assert staged.status == ListSizeImport.Status.DISCARDED


def test_nhs_file_without_total_rows_says_which_file_to_use(practices, upload):
    staged = upload(NHS_HEADER + nhs_row("P81001", "5000", sex="FEMALE"))

    assert staged.status == ListSizeImport.Status.FAILED
    assert "gp-reg-pat-prac-all.csv" in staged.error
