"""Read-side queries for levies. A member sees only their own practices' figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from members.models import PCN, Practice, User
from members.selectors import practices_for_user

from ..models import LevyKind, LevyRate, ListSizeImport
from ..periods import Quarter, financial_year_label, quarters_between
from .reconciliation import (
    ExpectedLevy,
    ReconciliationLine,
    ReconciliationState,
    ReconciliationTotals,
    levy_expected,
    levy_expected_for_quarter,
    levy_reconcile,
    reconciliation_totals,
)

__all__ = [
    "levy_lines_this_quarter_for_member",
    "ExpectedLevy",
    "ReconciliationLine",
    "ReconciliationState",
    "ReconciliationTotals",
    "levy_expected",
    "levy_expected_for_quarter",
    "levy_reconcile",
    "reconciliation_totals",
    "reconciliation_lines",
    "QuarterFigures",
    "YearFigures",
    "PracticeLevies",
    "levies_for_member",
    "recent_imports",
]


def reconciliation_lines(
    *, quarters: list[Quarter], pcn: PCN | None = None, kind: str = "", state: str = ""
) -> list[ReconciliationLine]:
    """Return the expected-versus-remitted lines for every practice in `quarters`, filtered for the staff view."""
    practices = Practice.objects.all()
    if pcn is not None:
        practices = practices.filter(pcn=pcn)
    lines = levy_reconcile(quarters=quarters, practices=practices)
    return [
        line for line in lines if (not kind or line.expected.kind == kind) and (not state or line.state == state)
    ]


@dataclass
class QuarterFigures:
    quarter: Quarter
    patients: int | None
    lines: list[ReconciliationLine]


@dataclass
class YearFigures:
    financial_year: str
    rates: list[LevyRate]
    quarters: list[QuarterFigures] = field(default_factory=list)

    @property
    def expected_total(self) -> Decimal:
        return sum((line.expected.amount or Decimal("0.00") for q in self.quarters for line in q.lines), Decimal("0.00"))

    @property
    def received_total(self) -> Decimal:
        return sum((line.received or Decimal("0.00") for q in self.quarters for line in q.lines), Decimal("0.00"))


@dataclass
class PracticeLevies:
    practice: Practice
    years: list[YearFigures]


def levies_for_member(*, user: User, today: date) -> list[PracticeLevies]:
    """Return the user's practices' list sizes, rates, expected levies and remittances.

    Cover every quarter that has started in the current and previous
    financial year, newest year first. A constant number of queries however
    many practices the user belongs to.
    """
    practices: QuerySet[Practice] = practices_for_user(user=user).order_by("name").distinct()
    current = Quarter.containing(today)
    quarters = quarters_between(Quarter(current.year - 1, 1), current)
    lines = levy_reconcile(quarters=quarters, practices=practices)
    years = [financial_year_label(current.year), financial_year_label(current.year - 1)]
    rates = sorted(LevyRate.objects.filter(financial_year__in=years), key=lambda rate: LevyKind.values.index(rate.kind))
    by_practice: dict[int, dict[Quarter, list[ReconciliationLine]]] = {}
    practice_rows: dict[int, Practice] = {}
    for line in lines:
        practice_rows[line.expected.practice.pk] = line.expected.practice
        by_practice.setdefault(line.expected.practice.pk, {}).setdefault(line.expected.quarter, []).append(line)
    summaries = []
    for practice_id, quarters_lines in by_practice.items():
        year_figures = []
        for year in years:
            figures = YearFigures(year, [rate for rate in rates if rate.financial_year == year])
            for quarter in sorted((q for q in quarters_lines if q.financial_year == year), reverse=True):
                quarter_lines = quarters_lines[quarter]
                figures.quarters.append(QuarterFigures(quarter, quarter_lines[0].expected.patients, quarter_lines))
            year_figures.append(figures)
        summaries.append(PracticeLevies(practice_rows[practice_id], year_figures))
    return summaries


def recent_imports() -> QuerySet[ListSizeImport]:
    return ListSizeImport.objects.select_related("uploaded_by", "applied_by").defer("data")[:10]


def levy_lines_this_quarter_for_member(*, user: User, today: date) -> tuple[Quarter, list[ReconciliationLine]]:
    """Return the current quarter and each of the user's practices' levy lines for it (the dashboard)."""
    practices: QuerySet[Practice] = practices_for_user(user=user).order_by("name").distinct()
    quarter = Quarter.containing(today)
    return quarter, levy_reconcile(quarters=[quarter], practices=practices)
