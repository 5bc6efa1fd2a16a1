"""List-size imports: upload, read (in a Celery task, with progress), preview, then apply all-or-nothing.

The uploaded file is kept gzipped on a `ListSizeImport` row until it has
been read; what was read is kept there as JSON until it is applied. The
preview and the confirmation both work from that row, never from anything
the browser sends back, so what is confirmed is exactly what was previewed.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Practice, User

from ..listsize_csv import NHS, FileProblem, parse_list_sizes
from ..models import ListSize, ListSizeImport
from ..periods import Quarter

CHUNK = 1024 * 1024
BULK_BATCH = 1000
# bulk_update writes one CASE per field with a branch per row: small batches keep that quick.
UPDATE_BATCH = 200


@dataclass
class ImportPreview:
    quarter: Quarter | None
    new: list[tuple[Practice, int]] = field(default_factory=list)
    changed: list[tuple[Practice, int, int]] = field(default_factory=list)
    unchanged: int = 0
    unknown: list[tuple[str, int]] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    rows_skipped: int = 0

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

    from ..tasks import read_list_size_import

    transaction.on_commit(lambda: read_list_size_import.delay(staged.pk))
    return staged


def list_size_import_read(*, import_id: int) -> None:
    """Read a queued import's file and keep what it says. Safe to run twice: a read import is left alone."""
    claimed = ListSizeImport.objects.filter(
        pk=import_id, status__in=[ListSizeImport.Status.QUEUED, ListSizeImport.Status.READING]
    ).update(status=ListSizeImport.Status.READING, progress_chars=0)
    if not claimed:
        return
    staged = ListSizeImport.objects.get(pk=import_id)
    quarter = staged.quarter
    # Finish only if nobody discarded the file while it was being read.
    reading = ListSizeImport.objects.filter(pk=import_id, status=ListSizeImport.Status.READING)

    def report_progress(chars: int) -> None:
        ListSizeImport.objects.filter(pk=import_id).update(progress_chars=chars)

    # Excel's "CSV" may not be UTF-8; a stray character can only spoil a code, which is then reported.
    unpacked = gzip.GzipFile(fileobj=io.BytesIO(bytes(staged.data)))
    text = io.TextIOWrapper(unpacked, encoding="utf-8-sig", errors="replace", newline="")
    try:
        parsed = parse_list_sizes(text, quarter=quarter, on_progress=report_progress)
    except (FileProblem, OSError, EOFError) as error:
        message = str(error) if isinstance(error, FileProblem) else "The file could not be read: save it as CSV and upload it again."
        reading.update(status=ListSizeImport.Status.FAILED, error=message, data=b"")
        return
    known = set(Practice.objects.values_list("ods_code", flat=True))
    result = {
        "rows": [[code, patients, line] for code, (patients, line) in parsed.patients_by_code.items() if code in known],
        "unknown": [[code, line] for code, (_, line) in parsed.patients_by_code.items() if code not in known],
        "bad_rows": [[bad.line, bad.reason] for bad in parsed.bad_rows],
        "rows_read": parsed.rows_read,
        "rows_skipped": parsed.rows_skipped,
    }
    reading.update(
        status=ListSizeImport.Status.READY,
        quarter_start=parsed.quarter.start if parsed.quarter else None,
        result=result,
        progress_chars=staged.size_chars,
        data=b"",
    )


def _current(*, quarter: Quarter, lock: bool = False) -> dict[str, tuple[Practice, ListSize | None]]:
    """Map every practice's ODS code to the practice and its list size for `quarter` (two queries).

    With `lock`, hold the quarter's list sizes (in one order, so two imports
    queue rather than deadlock) until the transaction ends.
    """
    rows = ListSize.objects.filter(quarter_start=quarter.start).order_by("pk")
    sizes = {size.practice_id: size for size in (rows.select_for_update() if lock else rows)}
    return {practice.ods_code: (practice, sizes.get(practice.pk)) for practice in Practice.objects.all()}


def list_size_import_preview(*, staged: ListSizeImport) -> ImportPreview:
    """Say what confirming `staged` would do now: new, changed and unchanged list sizes, and every problem."""
    result = staged.result or {}
    preview = ImportPreview(
        quarter=staged.quarter,
        bad_rows=[tuple(item) for item in result.get("bad_rows", [])],
        unknown=[tuple(item) for item in result.get("unknown", [])],
        rows_skipped=result.get("rows_skipped", 0),
    )
    if staged.quarter is None:
        return preview
    current = _current(quarter=staged.quarter)
    for code, patients, _line in result.get("rows", []):
        if code not in current:
            preview.unknown.append((code, _line))
            continue
        practice, size = current[code]
        if size is None:
            preview.new.append((practice, patients))
        elif size.patients != patients:
            preview.changed.append((practice, size.patients, patients))
        else:
            preview.unchanged += 1
    return preview


def list_size_import_apply(*, import_id: int, applied_by: User) -> ImportOutcome:
    """Save an import's list sizes, all or nothing, and return what changed.

    Refuse an import that is not ready or has bad rows. Rows whose number is
    already stored are left untouched, so applying the same file twice
    changes nothing the second time.
    """
    with transaction.atomic():
        staged = ListSizeImport.objects.select_for_update().get(pk=import_id)
        if staged.status != ListSizeImport.Status.READY:
            raise ValidationError(f"This import cannot be confirmed: it is {staged.get_status_display().lower()}.")
        if staged.result.get("bad_rows"):
            raise ValidationError("This file has rows that cannot be read. Correct them and upload the file again.")
        quarter = staged.quarter
        current = _current(quarter=quarter, lock=True)
        source = ListSize.Source.NHS_FILE if staged.file_format == NHS else ListSize.Source.PLAIN_FILE
        now = timezone.now()
        new, changed, unchanged = [], [], 0
        for code, patients, _line in staged.result.get("rows", []):
            if code not in current:
                continue
            practice, size = current[code]
            if size is None:
                new.append(ListSize(practice=practice, quarter_start=quarter.start, patients=patients, source=source,
                                    imported_by=applied_by, import_batch=staged))  # fmt: skip
            elif size.patients != patients:
                size.patients = patients
                changed.append(size)
            else:
                unchanged += 1
        # The reader has already checked every number and code; the database
        # constraints still guard the invariants, so per-row full_clean is skipped.
        try:
            ListSize.objects.bulk_create(new, batch_size=BULK_BATCH)
            # Only the number differs from row to row; the rest is the same for every changed row.
            ListSize.objects.bulk_update(changed, ["patients"], batch_size=UPDATE_BATCH)
            changed_ids = [size.pk for size in changed]
            for start in range(0, len(changed_ids), BULK_BATCH):
                ListSize.objects.filter(pk__in=changed_ids[start : start + BULK_BATCH]).update(
                    source=source, imported_at=now, imported_by=applied_by, import_batch=staged
                )
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


def list_size_import_discard(*, import_id: int) -> None:
    """Throw away an import that has not been applied."""
    ListSizeImport.objects.filter(pk=import_id).exclude(status=ListSizeImport.Status.APPLIED).update(
        status=ListSizeImport.Status.DISCARDED, data=b"", result={}
    )
