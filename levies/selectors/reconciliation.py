"""What each practice should pay for a quarter, and how that compares with what arrived.

Read-side: it reads rates, list sizes and remittances and changes nothing, so
it lives with the selectors; the arithmetic itself is `levies.money`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import QuerySet, Sum

from members.models import Practice

from ..models import LevyKind, LevyRate, ListSize, Remittance
from ..money import quarterly_levy, to_pounds
from ..periods import Quarter

__all__ = [
    "ExpectedLevy",
    "ReconciliationLine",
    "ReconciliationState",
    "ReconciliationTotals",
    "levy_expected",
    "levy_expected_for_quarter",
    "levy_reconcile",
    "reconciliation_totals",
]

ZERO = Decimal("0.00")


class ReconciliationState(models.TextChoices):
    MATCHED = "matched", "Matched"
    SHORT = "short", "Short"
    OVER = "over", "Over"
    MISSING = "missing", "Missing"
    NOT_DUE = "not_due", "Nothing due"
    NO_LIST_SIZE = "no_list_size", "No list size"
    NO_RATE = "no_rate", "No rate set"


@dataclass(frozen=True)
class ExpectedLevy:
    """One practice's levy of one kind for one quarter; `amount` is None when it cannot be worked out."""

    practice: Practice
    quarter: Quarter
    kind: str
    patients: int | None
    pence_per_patient: Decimal | None
    amount: Decimal | None
    opted_out: bool = False

    @property
    def problem(self) -> str:
        """Why the amount is unknown, in words for the finance lead ("" when it is known)."""
        if self.amount is not None:
            return ""
        if self.pence_per_patient is None:
            return f"No {LevyKind(self.kind).label.lower()} rate is set for {self.quarter.financial_year}."
        return f"No list size for {self.quarter.short_label}."

    @property
    def kind_label(self) -> str:
        return LevyKind(self.kind).label


@dataclass(frozen=True)
class ReconciliationLine:
    expected: ExpectedLevy
    # None when no remittance is recorded at all.
    received: Decimal | None
    state: str

    @property
    def difference(self) -> Decimal | None:
        """Received minus expected: negative when short, positive when over."""
        if self.expected.amount is None:
            return None
        return (self.received or ZERO) - self.expected.amount

    @property
    def state_label(self) -> str:
        return ReconciliationState(self.state).label


@dataclass
class ReconciliationTotals:
    expected: Decimal = ZERO
    received: Decimal = ZERO
    states: Counter = field(default_factory=Counter)

    @property
    def difference(self) -> Decimal:
        return self.received - self.expected


def levy_expected_for_quarter(*, quarter: Quarter, practices: QuerySet[Practice] | None = None) -> list[ExpectedLevy]:
    """Return every practice's expected statutory and GPDF levy for `quarter`.

    A practice that opts out of GPDF owes no GPDF levy. A practice with no
    list size for the quarter, or a year with no rate, gets an amount of None
    and says why: nothing is guessed.
    """
    return levy_expected(quarters=[quarter], practices=practices)


def levy_expected(*, quarters: Sequence[Quarter], practices: QuerySet[Practice] | None = None) -> list[ExpectedLevy]:
    """Return the expected levies of `practices` (default: all) for each of `quarters`, in four queries or fewer."""
    practice_rows = list((practices if practices is not None else Practice.objects.all()).select_related("pcn"))
    if not practice_rows or not quarters:
        return []
    starts = [quarter.start for quarter in quarters]
    patients = {
        (practice_id, quarter_start): count
        for practice_id, quarter_start, count in ListSize.objects.filter(
            quarter_start__in=starts, **_practice_filter(practices)
        ).values_list("practice_id", "quarter_start", "patients")
    }
    rates = {
        (year, kind): pence
        for year, kind, pence in LevyRate.objects.filter(
            financial_year__in={quarter.financial_year for quarter in quarters}
        ).values_list("financial_year", "kind", "pence_per_patient")
    }
    expected = []
    for practice in practice_rows:
        for quarter in quarters:
            count = patients.get((practice.pk, quarter.start))
            for kind in LevyKind.values:
                pence = rates.get((quarter.financial_year, kind))
                opted_out = kind == LevyKind.GPDF and practice.gpdf_opt_out
                if opted_out:
                    amount = ZERO
                elif count is None or pence is None:
                    amount = None
                else:
                    amount = quarterly_levy(patients=count, pence_per_patient=pence)
                expected.append(ExpectedLevy(practice, quarter, kind, count, pence, amount, opted_out))
    return expected


def _state(expected: Decimal | None, received: Decimal | None, *, missing_rate: bool) -> str:
    if expected is None:
        return ReconciliationState.NO_RATE if missing_rate else ReconciliationState.NO_LIST_SIZE
    if expected == ZERO and not received:
        return ReconciliationState.NOT_DUE
    if received is None:
        return ReconciliationState.MISSING
    if received == expected:
        return ReconciliationState.MATCHED
    return ReconciliationState.SHORT if received < expected else ReconciliationState.OVER


def levy_reconcile(*, quarters: Sequence[Quarter], practices: QuerySet[Practice] | None = None) -> list[ReconciliationLine]:
    """Compare each expected levy with the remittances recorded for it: matched, short, over or missing.

    Several remittances for the same practice, quarter and levy (a late
    top-up, say) are added together. The lines come in practice, quarter,
    levy order.
    """
    expected = levy_expected(quarters=quarters, practices=practices)
    if not expected:
        return []
    received = _received(quarters=quarters, practices=practices)
    lines = []
    for item in expected:
        amount = received.get((item.practice.pk, item.quarter, item.kind))
        state = _state(item.amount, amount, missing_rate=item.pence_per_patient is None and not item.opted_out)
        lines.append(ReconciliationLine(item, amount, state))
    return lines


def _practice_filter(practices: QuerySet[Practice] | None) -> dict:
    # A subquery rather than a list of ids: thousands of ids would overflow SQLite's parameter limit.
    return {} if practices is None else {"practice__in": practices.values("pk")}


def _received(*, quarters: Sequence[Quarter], practices: QuerySet[Practice] | None) -> dict[tuple[int, Quarter, str], Decimal]:
    wanted = set(quarters)
    sums = (
        Remittance.objects.filter(
            **_practice_filter(practices),
            financial_year__in={quarter.financial_year for quarter in quarters},
            quarter__in={quarter.number for quarter in quarters},
        )
        .values("practice_id", "financial_year", "quarter", "kind")
        .annotate(total=Sum("amount"))
    )
    received = {}
    for row in sums:
        quarter = Quarter.of(row["financial_year"], row["quarter"])
        if quarter in wanted:
            # SQLite's SUM drops trailing zeros (1000 for 1000.00): put the pence back.
            received[(row["practice_id"], quarter, row["kind"])] = to_pounds(row["total"])
    return received


def reconciliation_totals(lines: Iterable[ReconciliationLine]) -> ReconciliationTotals:
    """Add up the lines: money expected (where known) and received, and how many are in each state."""
    totals = ReconciliationTotals()
    for line in lines:
        totals.expected += line.expected.amount or ZERO
        totals.received += line.received or ZERO
        totals.states[line.state] += 1
    return totals
