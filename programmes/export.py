"""The one place this app's new CSV files are written.

Branch `security` is adding a shared CSV writer for the whole portal; at merge
this function becomes a call to it. Until then it guards against formula
injection itself: a cell a spreadsheet would run as a formula (starting with
= + - @, or a tab or carriage return) is written with a leading apostrophe.
"""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """Return a CSV download of `header` and `rows`, every cell escaped against formula injection."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([_safe(cell) for cell in header])
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
    return response
