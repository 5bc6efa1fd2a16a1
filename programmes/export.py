"""CSV downloads of this app's admin, written through the portal's one CSV writer (`lmcportal.csv`)."""

from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from lmcportal import csv

__all__ = ["csv_response"]


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """Return a CSV download of `header` and `rows`; formula-like text is escaped by the writer."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return response
