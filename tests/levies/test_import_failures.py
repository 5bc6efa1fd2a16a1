"""An import never stays "being read": every failure is recorded with its reason, and a sweep catches the rest."""

import gzip
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from levies.listsize_csv import MAX_BAD_ROWS_KEPT
from levies.models import ListSizeImport
from levies.services import list_size_import_preview, list_size_import_start, list_size_imports_fail_stalled
from levies.tasks import fail_stalled_list_size_imports
from tests.factories import PracticeFactory, StaffFactory
from tests.levies.test_listsize_csv import NHS_HEADER, nhs_row
from tests.mail.brokers import CLOSED_PORT_BROKER, real_broker

pytestmark = pytest.mark.django_db

NHS_FILE = NHS_HEADER + nhs_row("P81001", "10234")


@pytest.fixture
def importer(db):
    PracticeFactory(ods_code="P81001")
    return StaffFactory()


def start(content: bytes, importer, capture) -> ListSizeImport:
    with capture(execute=True):
        staged = list_size_import_start(
            upload=io.BytesIO(content), file_name="sizes.csv", file_format="nhs", quarter=None, uploaded_by=importer
        )
    staged.refresh_from_db()
    return staged


def stuck(status: str, minutes_ago: int) -> ListSizeImport:
    staged = ListSizeImport.objects.create(file_name="stuck.csv", file_format="nhs", status=status, data=b"x")
    ListSizeImport.objects.filter(pk=staged.pk).update(uploaded_at=timezone.now() - timedelta(minutes=minutes_ago))
    return staged


def test_an_unexpected_error_while_reading_marks_the_import_failed_with_a_reason(
    importer, django_capture_on_commit_callbacks, monkeypatch
):
    real_gzip = gzip.GzipFile

    def broken_gzip(*args, **kwargs):
        if kwargs.get("mode", "rb").startswith("w"):
            return real_gzip(*args, **kwargs)  # keeping the upload works; reading it does not
        raise MemoryError("the worker ran out of memory")

    monkeypatch.setattr(gzip, "GzipFile", broken_gzip)

    staged = start(NHS_FILE.encode(), importer, django_capture_on_commit_callbacks)

    assert staged.status == ListSizeImport.Status.FAILED
    assert "problem in the portal, not in your file" in staged.error
    assert f"list-size import {staged.pk}" in staged.error
    assert bytes(staged.data) == b""


@pytest.mark.parametrize("status", [ListSizeImport.Status.QUEUED, ListSizeImport.Status.READING])
def test_the_sweep_fails_imports_stuck_for_more_than_15_minutes(status):
    old, recent = stuck(status, 16), stuck(status, 10)

    assert list_size_imports_fail_stalled() == 1

    old.refresh_from_db(), recent.refresh_from_db()
    assert old.status == ListSizeImport.Status.FAILED
    assert "did not finish within 15 minutes" in old.error
    assert recent.status == status


def test_the_sweep_leaves_finished_imports_alone():
    for status in (ListSizeImport.Status.READY, ListSizeImport.Status.APPLIED, ListSizeImport.Status.DISCARDED):
        stuck(status, 60)

    assert fail_stalled_list_size_imports() == 0


def test_the_sweep_is_on_beats_schedule():
    task = PeriodicTask.objects.get(task="levies.tasks.fail_stalled_list_size_imports")

    assert task.enabled
    assert task.interval.every == 5


def test_with_the_broker_down_the_file_is_read_in_the_web_process(importer, django_capture_on_commit_callbacks):
    with real_broker(CLOSED_PORT_BROKER):
        staged = start(NHS_FILE.encode(), importer, django_capture_on_commit_callbacks)

    assert staged.status == ListSizeImport.Status.READY


def test_a_file_of_nothing_but_bad_rows_keeps_the_first_few_and_counts_the_rest(
    importer, django_capture_on_commit_callbacks
):
    rows = "".join(nhs_row(f"P{n:05d}", "12x") for n in range(MAX_BAD_ROWS_KEPT + 250))

    staged = start((NHS_HEADER + rows).encode(), importer, django_capture_on_commit_callbacks)
    preview = list_size_import_preview(staged=staged)

    assert (len(preview.bad_rows), preview.bad_rows_total) == (MAX_BAD_ROWS_KEPT, MAX_BAD_ROWS_KEPT + 250)
    assert preview.bad_rows[0][0] == 2
    assert not preview.can_confirm
