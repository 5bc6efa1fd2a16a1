"""Read remittances from a CSV file, without Django.

One remittance a row, with a header row naming the columns:
`ods_code,financial_year,quarter,levy,amount,date_received,reference`
(for example `P81001,2026/27,1,statutory,"1,074.57",2026-07-20,ICB-4471`).
Every problem is reported with its line number.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from .listsize_csv import BadRow
from .periods import financial_year_start, parse_date

COLUMNS = ("ods_code", "financial_year", "quarter", "levy", "amount", "date_received", "reference")
_ODS_CODE = re.compile(r"^[A-Z][A-Z0-9]{5}$")
_LEVIES = {"statutory": "statutory", "statutory levy": "statutory", "gpdf": "gpdf", "gpdf levy": "gpdf"}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass(frozen=True)
class RemittanceRow:
    line: int
    ods_code: str
    financial_year: str
    quarter: int
    kind: str
    amount: Decimal
    date_received: date
    reference: str

    @property
    def key(self) -> tuple[str, str, int, str, str]:
        """What makes a remittance the same one: practice, year, quarter, levy and reference."""
        return (self.ods_code, self.financial_year, self.quarter, self.kind, self.reference)


@dataclass
class ParsedRemittances:
    rows: list[RemittanceRow] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)


class RemittanceFileProblem(ValueError):
    """The file as a whole cannot be read."""


def parse_remittances(lines: Iterable[str]) -> ParsedRemittances:
    """Read every row of a remittances CSV; raise RemittanceFileProblem if the header is wrong."""
    reader = csv.reader(lines)
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise RemittanceFileProblem(
            f"The header row needs these columns: {', '.join(COLUMNS)}. Missing: {', '.join(missing)}."
        )
    at = {name: header.index(name) for name in COLUMNS}
    parsed = ParsedRemittances()
    seen: dict[tuple, int] = {}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        if len(row) < len(header):
            parsed.bad_rows.append(BadRow(line, "This row has fewer columns than the header row."))
            continue
        try:
            remittance = _row(line, {name: row[index].strip() for name, index in at.items()})
        except ValueError as error:
            parsed.bad_rows.append(BadRow(line, str(error)))
            continue
        if remittance.key in seen:
            parsed.bad_rows.append(BadRow(line, f"This remittance is also on line {seen[remittance.key]}."))
            continue
        seen[remittance.key] = line
        parsed.rows.append(remittance)
    if not parsed.rows and not parsed.bad_rows:
        raise RemittanceFileProblem("The file has no remittances in it.")
    return parsed


def _row(line: int, cells: dict[str, str]) -> RemittanceRow:
    code = cells["ods_code"].upper()
    if not _ODS_CODE.match(code):
        raise ValueError(f"“{cells['ods_code'] or '(blank)'}” is not a practice ODS code.")
    financial_year_start(cells["financial_year"])  # raises ValueError with the message to show
    quarter_text = cells["quarter"].upper().removeprefix("Q")
    if quarter_text not in ("1", "2", "3", "4"):
        raise ValueError(f"Quarter “{cells['quarter']}” should be 1, 2, 3 or 4.")
    kind = _LEVIES.get(cells["levy"].lower())
    if kind is None:
        raise ValueError(f"Levy “{cells['levy']}” should be statutory or gpdf.")
    try:
        amount = Decimal(cells["amount"].replace("£", "").replace(",", ""))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2:
        raise ValueError(f"Amount “{cells['amount']}” should be pounds and pence, like 1074.57.")
    received = _date(cells["date_received"])
    if not cells["reference"]:
        raise ValueError("Give the remittance reference, so the same payment is never recorded twice.")
    return RemittanceRow(line, code, cells["financial_year"], int(quarter_text), kind, amount.quantize(Decimal("0.01")),
                         received, cells["reference"][:100])  # fmt: skip


def _date(text: str) -> date:
    day = parse_date(text, _DATE_FORMATS)
    if day is None:
        raise ValueError(f"Date received “{text or '(blank)'}” should be a date like 2026-07-20 or 20/07/2026.")
    return day
