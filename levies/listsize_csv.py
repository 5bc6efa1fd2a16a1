"""Read list sizes from a CSV file, line by line, without Django.

Two layouts are accepted:

- the NHS "Patients Registered at a GP Practice" file: a header row with at
  least EXTRACT_DATE, CODE (or ORG_CODE) and NUMBER_OF_PATIENTS; when SEX
  and AGE columns are present only the rows where both are ALL count. The
  quarter is the one that starts on, or contains, EXTRACT_DATE (files are
  extracted on the 1st of the month: 01OCT2026 or 2026-10-01);
- a plain `ods_code,patients` file (header row optional), for a quarter the
  person chooses.

Every problem is reported with its line number; nothing is guessed. The
file is read as a stream (`text_lines`), one line at a time, so memory stays
bounded whatever its size: at most MAX_LINE_BYTES per line, MAX_PRACTICES
practice codes and MAX_BAD_ROWS_KEPT bad rows (the rest are counted).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from .periods import Quarter, parse_date

NHS = "nhs"
PLAIN = "plain"
MAX_PATIENTS = 1_000_000
PROGRESS_EVERY_ROWS = 20_000
# England has about 6,300 practices; a file naming far more is not a list-size
# file (and keeping every code it names would take unbounded memory).
MAX_PRACTICES = 100_000
# The preview lists this many rows that cannot be read, and counts the rest.
MAX_BAD_ROWS_KEPT = 500
MAX_LINE_BYTES = 64 * 1024
READ_CHUNK_BYTES = 1024 * 1024
SAVE_AS_CSV = "In Excel, choose File › Save As › “CSV UTF-8 (Comma delimited)”, then upload that file."
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_NOT_CSV_STARTS = {
    b"PK\x03\x04": "an Excel workbook or another zipped file",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF document",
}

_ODS_CODE = re.compile(r"^[A-Z][A-Z0-9]{5}$")
_EXTRACT_DATE_FORMATS = ("%d%b%Y", "%Y-%m-%d", "%d-%b-%Y", "%d/%m/%Y", "%d-%m-%Y")
_PLAIN_HEADER_WORDS = {"ods_code", "ods code", "code", "practice_code", "practice code", "org_code"}


class FileProblem(ValueError):
    """The whole file cannot be read (no header, a missing column): nothing in it is used."""


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str


@dataclass
class ParsedListSizes:
    file_format: str
    quarter: Quarter | None
    # ODS code -> (patients, line number)
    patients_by_code: dict[str, tuple[int, int]] = field(default_factory=dict)
    # The first MAX_BAD_ROWS_KEPT rows that cannot be read; bad_rows_total counts them all.
    bad_rows: list[BadRow] = field(default_factory=list)
    bad_rows_total: int = 0
    rows_read: int = 0
    # NHS rows for one sex or age band, which the totals already include.
    rows_skipped: int = 0

    def add_bad_row(self, line: int, reason: str) -> None:
        self.bad_rows_total += 1
        if len(self.bad_rows) < MAX_BAD_ROWS_KEPT:
            self.bad_rows.append(BadRow(line, reason))


def text_lines(stream: IO[bytes]) -> Iterator[str]:
    """Yield the lines of a CSV file given as bytes, each ending in "\n", reading it in chunks.

    Lines may end in CRLF, LF or a lone CR (old Mac files). The text must be
    UTF-8 (a byte-order mark is allowed); raise FileProblem, naming the line,
    for anything else: another encoding, a NUL character, a line longer than
    any list-size file has, or a file that is not text at all.
    """
    pending = b""
    number = 0
    first = True
    while True:
        chunk = stream.read(READ_CHUNK_BYTES)
        at_end = not chunk
        if first:
            first = False
            _refuse_non_csv(chunk)
            if chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
        data = pending + chunk
        start = 0
        for match in _LINE_BREAK.finditer(data):
            if not at_end and match.end() == len(data) and match.group() == b"\r":
                break  # a CR at the end of this chunk may be the first half of a CRLF
            number += 1
            yield _decoded(data[start : match.start()], number)
            start = match.end()
        pending = data[start:]
        if len(pending) > MAX_LINE_BYTES:
            raise FileProblem(
                f"Line {number + 1} is longer than {MAX_LINE_BYTES:,} characters, which no list-size file has. "
                f"Check that this is the CSV file. {SAVE_AS_CSV}"
            )
        if at_end:
            if pending:
                yield _decoded(pending, number + 1)
            return


def _refuse_non_csv(start: bytes) -> None:
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(f"The file is saved as Unicode (UTF-16) text, not as a CSV file. {SAVE_AS_CSV}")
    for magic, what in _NOT_CSV_STARTS.items():
        if start.startswith(magic):
            raise FileProblem(f"This is {what}, not a CSV file. {SAVE_AS_CSV}")


def _decoded(line: bytes, number: int) -> str:
    if b"\x00" in line:
        raise FileProblem(
            f"Line {number} contains a NUL character, which a CSV file never has: the file may be damaged, "
            f"or not a CSV file. {SAVE_AS_CSV}"
        )
    try:
        return line.decode("utf-8") + "\n"
    except UnicodeDecodeError as error:
        raise FileProblem(
            f"Line {number} is not UTF-8 text (a character at position {error.start + 1} is in another encoding). "
            f"{SAVE_AS_CSV}"
        ) from None


def first_line(stream: IO[bytes]) -> str:
    """Return the first non-blank line of a CSV file (its header), without the line break.

    Raise FileProblem when the file is empty, not text, or the header line is
    not UTF-8. The stream is left wherever reading stopped: seek back to 0.
    """
    for line in text_lines(stream):
        if line.strip():
            return line.rstrip("\n")
    raise FileProblem("The file is empty. Choose the CSV file with the list sizes.")


def detect_format(header_line: str) -> str:
    """Return NHS if `header_line` is the NHS file's header, otherwise PLAIN."""
    columns = {cell.strip().upper() for cell in next(csv.reader([header_line]), [])}
    if "EXTRACT_DATE" in columns or "NUMBER_OF_PATIENTS" in columns:
        return NHS
    return PLAIN


def parse_extract_date(text: str) -> date:
    """Return the date in an NHS EXTRACT_DATE such as 01OCT2026 or 2026-10-01; raise ValueError otherwise."""
    cleaned = text.strip()
    day = parse_date(cleaned, _EXTRACT_DATE_FORMATS)
    if day is not None:
        return day
    raise ValueError(f"EXTRACT_DATE “{cleaned}” is not a date like 01OCT2026 or 2026-10-01.")


def parse_list_sizes(
    lines: Iterable[str] | IO[bytes],
    *,
    quarter: Quarter | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ParsedListSizes:
    """Read every row of a list-size CSV given as text lines, or as a binary stream (read with `text_lines`).

    `quarter` is required for a plain file and ignored for an NHS file, which
    carries its own date. `on_progress(characters_read)` is called every few
    thousand rows. Raise FileProblem when the file as a whole is unusable.
    """
    if hasattr(lines, "read"):
        lines = text_lines(lines)
    counted = _CountingLines(lines)
    reader = csv.reader(counted)
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    if header is None:
        raise FileProblem("The file is empty.")
    file_format = detect_format(",".join(header))
    if file_format == NHS:
        parsed = _parse_nhs(reader, header, counted, on_progress)
    else:
        if quarter is None:
            raise FileProblem("Choose the quarter these list sizes are for.")
        parsed = _parse_plain(reader, header, quarter, counted, on_progress)
    if on_progress:
        on_progress(counted.chars)
    if not parsed.patients_by_code and not parsed.bad_rows_total:
        if parsed.rows_skipped:
            raise FileProblem(
                "The file has no rows for all sexes and all ages (SEX and AGE both ALL). "
                "Upload the NHS file that includes the totals, such as gp-reg-pat-prac-all.csv."
            )
        raise FileProblem("The file has no practice rows to import.")
    return parsed


class _CountingLines:
    """Pass lines through while counting characters, for the progress bar."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.chars = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.chars += len(line)
        return line


def _record(parsed: ParsedListSizes, line: int, code_text: str, patients_text: str) -> None:
    code = code_text.strip().upper()
    if not _ODS_CODE.match(code):
        shown = code_text.strip() or "(blank)"
        parsed.add_bad_row(line, f"“{shown}” is not a practice ODS code (6 letters and digits, like L83001).")
        return
    cleaned = patients_text.strip().replace(",", "")
    if not cleaned.isdigit():
        shown = patients_text.strip() or "(blank)"
        parsed.add_bad_row(line, f"{code}: the number of patients “{shown}” is not a whole number.")
        return
    patients = int(cleaned)
    if patients > MAX_PATIENTS:
        parsed.add_bad_row(line, f"{code}: {patients:,} patients is more than any practice has; check the number.")
        return
    earlier = parsed.patients_by_code.get(code)
    if earlier is not None:
        parsed.add_bad_row(line, f"{code} appears more than once: it is also on line {earlier[1]}.")
        return
    if len(parsed.patients_by_code) >= MAX_PRACTICES:
        raise FileProblem(
            f"Line {line} is practice number {MAX_PRACTICES + 1:,} in this file, far more than there are in England. "
            "Check that this is a list-size file for one quarter."
        )
    parsed.patients_by_code[code] = (patients, line)


def _data_rows(reader, rows, parsed: ParsedListSizes, counted: _CountingLines, on_progress) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) for each non-blank row, counting rows and reporting progress."""
    for row in rows:
        if on_progress and reader.line_num % PROGRESS_EVERY_ROWS == 0:
            on_progress(counted.chars)
        if not row or not any(cell.strip() for cell in row):
            continue
        parsed.rows_read += 1
        yield reader.line_num, row


def _column(columns: dict[str, int], *names: str) -> int:
    for name in names:
        if name in columns:
            return columns[name]
    raise FileProblem(f"The file has no {names[0]} column, so it cannot be read as the NHS file.")


def _parse_nhs(reader, header: list[str], counted: _CountingLines, on_progress) -> ParsedListSizes:
    columns = {name.strip().upper(): index for index, name in enumerate(header)}
    date_at = _column(columns, "EXTRACT_DATE")
    code_at = _column(columns, "CODE", "ORG_CODE", "PRACTICE_CODE")
    patients_at = _column(columns, "NUMBER_OF_PATIENTS")
    sex_at, age_at = columns.get("SEX"), columns.get("AGE")
    width = max(date_at, code_at, patients_at, sex_at or 0, age_at or 0) + 1
    parsed = ParsedListSizes(file_format=NHS, quarter=None)
    quarters_by_text: dict[str, Quarter] = {}
    for line, row in _data_rows(reader, reader, parsed, counted, on_progress):
        if len(row) < width:
            parsed.add_bad_row(line, "This row has fewer columns than the header row.")
            continue
        if (sex_at is not None and row[sex_at].strip().upper() != "ALL") or (
            age_at is not None and row[age_at].strip().upper() != "ALL"
        ):
            parsed.rows_skipped += 1
            continue
        date_text = row[date_at]
        quarter = quarters_by_text.get(date_text)
        if quarter is None:
            try:
                quarter = Quarter.containing(parse_extract_date(date_text))
            except ValueError as error:
                parsed.add_bad_row(line, str(error))
                continue
            if len(quarters_by_text) < 100:  # a real file has one date: keep the cache small whatever comes
                quarters_by_text[date_text] = quarter
        if parsed.quarter is None:
            parsed.quarter = quarter
        elif quarter != parsed.quarter:
            parsed.add_bad_row(
                line, f"EXTRACT_DATE {date_text.strip()} is in {quarter.short_label}, but the rows before it "
                      f"are for {parsed.quarter.short_label}. Import one quarter at a time."
            )  # fmt: skip
            continue
        _record(parsed, line, row[code_at], row[patients_at])
    return parsed


def _parse_plain(reader, header: list[str], quarter: Quarter, counted: _CountingLines, on_progress) -> ParsedListSizes:
    parsed = ParsedListSizes(file_format=PLAIN, quarter=quarter)
    first_is_header = header[0].strip().lower() in _PLAIN_HEADER_WORDS
    rows = reader if first_is_header else _prepend(header, reader)
    for line, row in _data_rows(reader, rows, parsed, counted, on_progress):
        if len(row) < 2 or any(cell.strip() for cell in row[2:]):
            parsed.add_bad_row(line, "Each row needs exactly two values: the ODS code and the number of patients.")
            continue
        _record(parsed, line, row[0], row[1])
    return parsed


def _prepend(first: list[str], rest) -> Iterator[list[str]]:
    yield first
    yield from rest
