"""List-size imports: upload, read (in a Celery task, with progress), preview, then apply all-or-nothing.

The uploaded file is kept gzipped on a `ListSizeImport` row until it has
been read; what was read is kept there as JSON until it is applied. The
preview and the confirmation both work from that row, never from anything
the browser sends back, so what is confirmed is exactly what was previewed.

An import never stays "being read": a read that fails for any reason marks
it failed with the reason, and `list_size_imports_fail_stalled` (beat, every
5 minutes) fails any import still waiting or being read STALLED_AFTER after
its upload, when its worker has died.
"""

from __future__ import annotations

import gzip
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from members.models import Practice, User

from ..listsize_csv import NHS, FileProblem, parse_list_sizes
from ..models import ListSize, ListSizeImport
from ..periods import Quarter

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
# Reading the largest NHS file takes well under a minute: an import still
# waiting or being read this long after its upload has lost its worker.
STALLED_AFTER = timedelta(minutes=15)
UNEXPECTED_FAILURE = (
    "The file could not be read because of a problem in the portal, not in your file. Upload it again; "
    "if that fails too, tell whoever runs the portal (list-size import {pk})."
)
STALLED_FAILURE = (
    "Reading this file did not finish within {minutes} minutes: the portal's background worker may have "
    "stopped. Upload the file again; if that fails too, tell whoever runs the portal."
)
BULK_BATCH = 1000
# Changed list sizes per UPDATE statement: two arrays of this many numbers on PostgreSQL.
UPDATE_BATCH = 5000


@dataclass
class ImportPreview:
    quarter: Quarter | None
    new: list[tuple[Practice, int]] = field(default_factory=list)
    changed: list[tuple[Practice, int, int]] = field(default_factory=list)
    unchanged: int = 0
    unknown: list[tuple[str, int]] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    # Every row that cannot be read; only the first few are kept in bad_rows.
    bad_rows_total: int = 0
    rows_skipped: int = 0

    @property
    def bad_rows_not_listed(self) -> int:
        return self.bad_rows_total - len(self.bad_rows)

    @property
    def to_import(self) -> int:
        return len(self.new) + len(self.changed)

    @property
    def can_confirm(self) -> bool:
        return not self.bad_rows and self.to_import > 0


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    updated: int
    unchanged: int


def list_size_import_start(
    *, upload: IO[bytes], file_name: str, file_format: str, quarter: Quarter | None, uploaded_by: User
) -> ListSizeImport:
    """Keep an uploaded list-size file and queue it to be read; return the import to follow.

    The file is stored gzipped, read in a Celery task (in-process when there
    is no broker) and then emptied from the row.
    """
    buffer = io.BytesIO()
    size = 0
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=1) as packed:
        for chunk in iter(lambda: upload.read(CHUNK), b""):
            size += len(chunk)
            packed.write(chunk)
    staged = ListSizeImport(
        file_name=file_name[:255],
        file_format=file_format,
        quarter_start=quarter.start if quarter and file_format != NHS else None,
        data=buffer.getvalue(),
        size_chars=size,
        uploaded_by=uploaded_by,
    )
    staged.full_clean(exclude=["data"])
    staged.save()
    transaction.on_commit(lambda: _queue_read(staged.pk))
    return staged


def _queue_read(import_id: int) -> None:
    """Hand the read to a worker; read it here if the broker cannot take it."""
    from ..tasks import read_list_size_import

    try:
        read_list_size_import.delay(import_id)
    except Exception:  # broker down: the person is waiting, and the file is here
        logger.exception("Could not queue list-size import %s; reading it in the web process", import_id)
        list_size_import_read(import_id=import_id)


def list_size_import_read(*, import_id: int) -> None:
    """Read a queued import's file and keep what it says. Safe to run twice: a read import is left alone.

    Whatever goes wrong, the import ends failed with a reason a person can act
    on, never "being read".
    """
    claimed = ListSizeImport.objects.filter(
        pk=import_id, status__in=[ListSizeImport.Status.QUEUED, ListSizeImport.Status.READING]
    ).update(status=ListSizeImport.Status.READING, progress_chars=0)
    if not claimed:
        return
    try:
        _read(import_id)
    except Exception:
        logger.exception("List-size import %s failed while being read", import_id)
        _fail(import_id, UNEXPECTED_FAILURE.format(pk=import_id))


def _fail(import_id: int, reason: str) -> int:
    """Mark an import that is waiting or being read as failed with `reason`; return 1 if it was."""
    with transaction.atomic():
        return ListSizeImport.objects.filter(
            pk=import_id, status__in=[ListSizeImport.Status.QUEUED, ListSizeImport.Status.READING]
        ).update(status=ListSizeImport.Status.FAILED, error=reason, data=b"")


def _read(import_id: int) -> None:
    staged = ListSizeImport.objects.get(pk=import_id)
    quarter = staged.quarter
    # Finish only if nobody discarded the file while it was being read.
    reading = ListSizeImport.objects.filter(pk=import_id, status=ListSizeImport.Status.READING)

    def report_progress(chars: int) -> None:
        ListSizeImport.objects.filter(pk=import_id).update(progress_chars=chars)

    unpacked = gzip.GzipFile(fileobj=io.BytesIO(bytes(staged.data)))
    del staged.data  # the compressed copy is in the stream now
    try:
        parsed = parse_list_sizes(cast(IO[bytes], unpacked), quarter=quarter, on_progress=report_progress)
    except (FileProblem, OSError, EOFError) as error:
        message = str(error) if isinstance(error, FileProblem) else "The file could not be read: save it as CSV and upload it again."
        with transaction.atomic():
            reading.update(status=ListSizeImport.Status.FAILED, error=message, data=b"")
        return
    known = set(Practice.objects.values_list("ods_code", flat=True))
    result = {
        "rows": [[code, patients, line] for code, (patients, line) in parsed.patients_by_code.items() if code in known],
        "unknown": [[code, line] for code, (_, line) in parsed.patients_by_code.items() if code not in known],
        "bad_rows": [[bad.line, bad.reason] for bad in parsed.bad_rows],
        "bad_rows_total": parsed.bad_rows_total,
        "rows_read": parsed.rows_read,
        "rows_skipped": parsed.rows_skipped,
    }
    with transaction.atomic():
        reading.update(
            status=ListSizeImport.Status.READY,
            quarter_start=parsed.quarter.start if parsed.quarter else None,
            result=result,
            progress_chars=staged.size_chars,
            data=b"",
        )


def list_size_imports_fail_stalled(*, now: datetime | None = None) -> int:
    """Mark imports still waiting or being read STALLED_AFTER after their upload as failed; return how many."""
    cutoff = (now or timezone.now()) - STALLED_AFTER
    stalled = ListSizeImport.objects.filter(
        status__in=[ListSizeImport.Status.QUEUED, ListSizeImport.Status.READING], uploaded_at__lt=cutoff
    ).values_list("pk", flat=True)
    reason = STALLED_FAILURE.format(minutes=int(STALLED_AFTER.total_seconds() // 60))
    failed = sum(_fail(pk, reason) for pk in list(stalled))
    if failed:
        logger.warning("Marked %s stalled list-size import(s) as failed", failed)
    return failed


def list_size_import_preview(*, staged: ListSizeImport) -> ImportPreview:
    """Say what confirming `staged` would do now: new, changed and unchanged list sizes, and every problem."""
    result = staged.result or {}
    preview = ImportPreview(
        quarter=staged.quarter,
        bad_rows=[tuple(item) for item in result.get("bad_rows", [])],
        bad_rows_total=result.get("bad_rows_total", len(result.get("bad_rows", []))),
        unknown=[tuple(item) for item in result.get("unknown", [])],
        rows_skipped=result.get("rows_skipped", 0),
    )
    if staged.quarter is None:
        return preview
    # Two queries; the preview names each practice, so only what its name needs is loaded.
    practices = {practice.ods_code: practice for practice in Practice.objects.only("pk", "name", "ods_code")}
    stored = dict(ListSize.objects.filter(quarter_start=staged.quarter.start).values_list("practice_id", "patients"))
    for code, patients, line in result.get("rows", []):
        practice = practices.get(code)
        if practice is None:
            preview.unknown.append((code, line))
            continue
        was = stored.get(practice.pk)
        if was is None:
            preview.new.append((practice, patients))
        elif was != patients:
            preview.changed.append((practice, was, patients))
        else:
            preview.unchanged += 1
    return preview


def list_size_import_apply(*, import_id: int, applied_by: User) -> ImportOutcome:
    """Save an import's list sizes, all or nothing, and return what changed.

    Refuse an import that is not ready or has bad rows. Rows whose number is
    already stored are left untouched, so applying the same file twice
    changes nothing the second time. The statements grow with the batches
    (BULK_BATCH, UPDATE_BATCH rows each), not with the practices.
    """
    with transaction.atomic():
        staged = ListSizeImport.objects.select_for_update().get(pk=import_id)
        if staged.status != ListSizeImport.Status.READY:
            raise ValidationError(f"This import cannot be confirmed: it is {staged.get_status_display().lower()}.")
        if staged.result.get("bad_rows"):
            raise ValidationError("This file has rows that cannot be read. Correct them and upload the file again.")
        quarter = staged.quarter
        if quarter is None:
            raise ValidationError("This import has no quarter: upload the file again.")
        practice_ids = dict(Practice.objects.values_list("ods_code", "pk"))
        # Hold the quarter's list sizes (in one order, so two imports queue
        # rather than deadlock) until the transaction ends.
        locked = ListSize.objects.filter(quarter_start=quarter.start).order_by("pk").select_for_update()
        stored = {practice_id: (pk, patients) for practice_id, pk, patients in locked.values_list("practice_id", "pk", "patients")}
        source = ListSize.Source.NHS_FILE if staged.file_format == NHS else ListSize.Source.PLAIN_FILE
        now = timezone.now()
        new: list[ListSize] = []
        changed: list[tuple[int, int]] = []
        unchanged = 0
        for code, patients, _line in staged.result.get("rows", []):
            practice_id = practice_ids.get(code)
            if practice_id is None:
                continue
            if practice_id not in stored:
                new.append(ListSize(practice_id=practice_id, quarter_start=quarter.start, patients=patients, source=source,
                                    imported_by=applied_by, import_batch=staged))  # fmt: skip
            elif stored[practice_id][1] != patients:
                changed.append((stored[practice_id][0], patients))
            else:
                unchanged += 1
        # The reader has already checked every number and code; the database
        # constraints still guard the invariants, so per-row full_clean is skipped.
        try:
            ListSize.objects.bulk_create(new, batch_size=BULK_BATCH)
            _update_changed(changed, source=source, imported_at=now, imported_by=applied_by, import_batch=staged)
        except IntegrityError as error:
            raise ValidationError(
                "Someone else saved list sizes for this quarter at the same moment. Nothing was imported: "
                "upload the file again to see the latest position."
            ) from error
        staged.status = ListSizeImport.Status.APPLIED
        staged.applied_at, staged.applied_by = now, applied_by
        staged.result = {**staged.result, "outcome": {"created": len(new), "updated": len(changed), "unchanged": unchanged}}
        staged.save(update_fields=["status", "applied_at", "applied_by", "result"])
    return ImportOutcome(created=len(new), updated=len(changed), unchanged=unchanged)


def _update_changed(
    changed: list[tuple[int, int]], *, source: str, imported_at: datetime, imported_by: User, import_batch: ListSizeImport
) -> None:
    """Give each list size in `changed` (pk, patients) its new number and this import's who, when and source.

    One statement per UPDATE_BATCH rows. On PostgreSQL an UPDATE joined to
    two arrays (`unnest`); elsewhere (SQLite) one prepared UPDATE run for
    every row of the batch (`executemany`), which SQLite does in-process.
    `bulk_update` wrote a CASE branch per row, and building those took
    seconds of Python for a few thousand practices.
    """
    if not changed:
        return
    fields = {field.name: field for field in ListSize._meta.concrete_fields}
    quote = connection.ops.quote_name
    table = quote(ListSize._meta.db_table)
    column = {name: quote(field.column) for name, field in fields.items()}
    when = fields["imported_at"].get_db_prep_value(imported_at, connection)
    same_for_all = [source, when, imported_by.pk, import_batch.pk]
    with connection.cursor() as cursor:
        for start in range(0, len(changed), UPDATE_BATCH):
            batch = changed[start : start + UPDATE_BATCH]
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS size SET {column['patients']} = changed.patients, {column['source']} = %s, "
                    f"{column['imported_at']} = %s, {column['imported_by']} = %s, {column['import_batch']} = %s "
                    f"FROM unnest(%s::bigint[], %s::integer[]) AS changed(id, patients) "
                    f"WHERE size.{column['id']} = changed.id",
                    [*same_for_all, [pk for pk, _ in batch], [patients for _, patients in batch]],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET {column['patients']} = %s, {column['source']} = %s, {column['imported_at']} = %s, "
                    f"{column['imported_by']} = %s, {column['import_batch']} = %s WHERE {column['id']} = %s",
                    [[patients, *same_for_all, pk] for pk, patients in batch],
                )


def list_size_import_discard(*, import_id: int) -> None:
    """Throw away an import that has not been applied."""
    ListSizeImport.objects.filter(pk=import_id).exclude(status=ListSizeImport.Status.APPLIED).update(
        status=ListSizeImport.Status.DISCARDED, data=b"", result={}
    )
