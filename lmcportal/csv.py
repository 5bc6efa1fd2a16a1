"""The one CSV writer for every CSV the portal produces (exports, downloads, the subject-access ZIP).

Use it in place of the standard library's writers: `from lmcportal import csv`,
then `csv.writer(stream)` or `csv.DictWriter(stream, fieldnames=...)`, which
behave like the standard ones except that a text cell a spreadsheet would
read as a formula is written with a leading apostrophe. Text starting with
`=`, `+`, `-`, `@`, a tab or a carriage return is escaped (OWASP's "CSV
injection" list), so `=HYPERLINK(...)` typed by a member arrives in a staff
spreadsheet as the text `'=HYPERLINK(...)`.

Numbers (int, Decimal, float) are written as they are: the portal computed
them, and a negative difference must stay a number in a finance spreadsheet.

`tests/test_csv_outputs.py` fails if any module writes CSV with the standard
library's writers instead of this one.
"""

import csv as _stdlib_csv
from collections.abc import Iterable
from typing import Any

__all__ = ["FORMULA_STARTS", "DictWriter", "cell_safe", "writer"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: Any) -> Any:
    """Return `value` ready for a spreadsheet: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    """The standard library's writer with every cell passed through `cell_safe`."""

    def __init__(self, stream, **kwargs):
        self._writer = _stdlib_csv.writer(stream, **kwargs)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([cell_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, **kwargs) -> _SafeWriter:
    """Return a writer like `csv.writer(stream, **kwargs)` that escapes formula-like text."""
    return _SafeWriter(stream, **kwargs)


class DictWriter(_stdlib_csv.DictWriter):
    """`csv.DictWriter` that escapes formula-like text (header included)."""

    def __init__(self, stream, fieldnames, restval="", extrasaction="raise", dialect="excel", **fmtparams):
        super().__init__(stream, fieldnames, restval, extrasaction, dialect, **fmtparams)
        self.writer = _SafeWriter(stream, dialect=dialect, **fmtparams)
