"""Financial years (April to March, written `2026/27`) and their quarters.

Pure date arithmetic with no Django imports, so it is quick to test and
the same rules serve the models, the importer and the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# The month each quarter of a financial year starts in: Q1 April ... Q4 January.
QUARTER_START_MONTHS = (4, 7, 10, 1)
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def financial_year_label(start_year: int) -> str:
    """Return the label of the financial year starting in April of `start_year`: 2026 gives "2026/27"."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year_start(label: str) -> int:
    """Return the calendar year in which the financial year `label` ("2026/27") starts.

    Raise ValueError, with a message for a person, when the label is not a
    financial year written like 2026/27.
    """
    match = _FINANCIAL_YEAR.match((label or "").strip())
    if not match:
        raise ValueError("Enter the financial year like 2026/27.")
    start_year, end_short = int(match.group(1)), int(match.group(2))
    if (start_year + 1) % 100 != end_short:
        raise ValueError(
            f"A financial year runs April to March, so {start_year} is followed by "
            f"{(start_year + 1) % 100:02d}: enter {financial_year_label(start_year)}."
        )
    return start_year


def financial_year_of(day: date) -> str:
    """Return the label of the financial year that contains `day`."""
    return financial_year_label(day.year if day.month >= 4 else day.year - 1)


def parse_date(text: str, patterns: tuple[str, ...]) -> date | None:
    """Return the date `text` holds in the first of `patterns` (strptime) that fits, or None."""
    for pattern in patterns:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def is_quarter_start(day: date) -> bool:
    """Say whether `day` is 1 April, 1 July, 1 October or 1 January."""
    return day.day == 1 and day.month in QUARTER_START_MONTHS


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a financial year: `year` is the year the financial year starts in."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError("A financial year has quarters 1 to 4.")

    @classmethod
    def containing(cls, day: date) -> Quarter:
        """Return the quarter that contains `day` (a date on its first day maps to that quarter)."""
        start_year = day.year if day.month >= 4 else day.year - 1
        return cls(start_year, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def starting(cls, day: date) -> Quarter:
        """Return the quarter that starts on `day`; raise ValueError if no quarter starts then."""
        if not is_quarter_start(day):
            raise ValueError("A quarter starts on 1 April, 1 July, 1 October or 1 January.")
        return cls.containing(day)

    @classmethod
    def of(cls, financial_year: str, number: int) -> Quarter:
        """Return quarter `number` of the financial year labelled `financial_year`."""
        return cls(financial_year_start(financial_year), number)

    @property
    def start(self) -> date:
        month = QUARTER_START_MONTHS[self.number - 1]
        return date(self.year + (1 if month < 4 else 0), month, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        return self.next().start - timedelta(days=1)

    @property
    def financial_year(self) -> str:
        return financial_year_label(self.year)

    @property
    def short_label(self) -> str:
        return f"Q{self.number} {self.financial_year}"

    @property
    def months(self) -> str:
        """"April to June 2026"."""
        first, last = self.start, self.end
        return f"{_MONTH_NAMES[first.month - 1]} to {_MONTH_NAMES[last.month - 1]} {last.year}"

    @property
    def label(self) -> str:
        """"Q1 2026/27 (April to June 2026)"."""
        return f"{self.short_label} ({self.months})"

    def next(self) -> Quarter:
        return Quarter(self.year, self.number + 1) if self.number < 4 else Quarter(self.year + 1, 1)

    def previous(self) -> Quarter:
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    def __str__(self) -> str:
        return self.label


def quarters_of_year(start_year: int) -> list[Quarter]:
    """Return the four quarters of the financial year starting in April of `start_year`."""
    return [Quarter(start_year, number) for number in (1, 2, 3, 4)]


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Return the quarters from `first` to `last`, both included, oldest first."""
    quarters, current = [], first
    while current <= last:
        quarters.append(current)
        current = current.next()
    return quarters
