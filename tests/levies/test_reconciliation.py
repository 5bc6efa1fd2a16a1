from datetime import date
from decimal import Decimal

import pytest

from levies.models import LevyKind, Remittance
from levies.periods import Quarter
from levies.selectors import ReconciliationState, levy_expected_for_quarter, levy_reconcile, reconciliation_totals
from tests.factories import PracticeFactory
from tests.levies.factories import ListSizeFactory, RemittanceFactory

Q1 = Quarter(2026, 1)


@pytest.fixture
def practice_with_list(db, rates_2026):
    practice = PracticeFactory()
    ListSizeFactory(practice=practice, quarter_start=date(2026, 4, 1), patients=10_234)
    return practice


def line_for(practice, kind: str, quarter: Quarter = Q1):
    lines = levy_reconcile(quarters=[quarter], practices=type(practice).objects.filter(pk=practice.pk))
    return next(line for line in lines if line.expected.kind == kind)


def pay(practice, amount: str, kind: str = LevyKind.STATUTORY, **kwargs) -> Remittance:
    return RemittanceFactory(practice=practice, financial_year="2026/27", quarter=1, kind=kind, amount=Decimal(amount), **kwargs)


def test_every_practice_gets_both_levies_for_the_quarter(practice_with_list):
    expected = {item.kind: item.amount for item in levy_expected_for_quarter(quarter=Q1)}

    assert expected == {LevyKind.STATUTORY: Decimal("1074.57"), LevyKind.GPDF: Decimal("153.51")}


def test_exact_remittance_is_matched(practice_with_list):
    pay(practice_with_list, "1074.57")

    line = line_for(practice_with_list, LevyKind.STATUTORY)
    assert line.state == ReconciliationState.MATCHED
    assert line.difference == Decimal("0.00")


def test_two_part_payments_adding_up_are_matched(practice_with_list):
    pay(practice_with_list, "1000.00")
    pay(practice_with_list, "74.57")

    assert line_for(practice_with_list, LevyKind.STATUTORY).state == ReconciliationState.MATCHED


def test_smaller_remittance_is_short_by_the_difference(practice_with_list):
    pay(practice_with_list, "1000.00")

    line = line_for(practice_with_list, LevyKind.STATUTORY)
    assert line.state == ReconciliationState.SHORT
    assert line.difference == Decimal("-74.57")


def test_larger_remittance_is_over_by_the_difference(practice_with_list):
    pay(practice_with_list, "160.00", kind=LevyKind.GPDF)

    line = line_for(practice_with_list, LevyKind.GPDF)
    assert line.state == ReconciliationState.OVER
    assert line.difference == Decimal("6.49")


def test_no_remittance_is_missing_the_whole_levy(practice_with_list):
    line = line_for(practice_with_list, LevyKind.STATUTORY)

    assert line.state == ReconciliationState.MISSING
    assert line.difference == Decimal("-1074.57")


def test_remittance_for_another_quarter_does_not_count(practice_with_list):
    RemittanceFactory(practice=practice_with_list, financial_year="2026/27", quarter=2, amount=Decimal("1074.57"))

    assert line_for(practice_with_list, LevyKind.STATUTORY).state == ReconciliationState.MISSING


def test_gpdf_opt_out_owes_no_gpdf_levy(db, rates_2026):
    practice = PracticeFactory(gpdf_opt_out=True)
    ListSizeFactory(practice=practice, quarter_start=date(2026, 4, 1), patients=10_234)

    line = line_for(practice, LevyKind.GPDF)
    assert line.expected.amount == Decimal("0.00")
    assert line.state == ReconciliationState.NOT_DUE
    assert line_for(practice, LevyKind.STATUTORY).expected.amount == Decimal("1074.57")


def test_gpdf_remitted_for_an_opted_out_practice_is_over(db, rates_2026):
    practice = PracticeFactory(gpdf_opt_out=True)
    ListSizeFactory(practice=practice, quarter_start=date(2026, 4, 1), patients=10_234)
    pay(practice, "153.51", kind=LevyKind.GPDF)

    assert line_for(practice, LevyKind.GPDF).state == ReconciliationState.OVER


def test_practice_without_a_list_size_is_reported_not_guessed(db, rates_2026):
    practice = PracticeFactory()
    pay(practice, "1074.57")

    line = line_for(practice, LevyKind.STATUTORY)
    assert line.expected.amount is None
    assert line.state == ReconciliationState.NO_LIST_SIZE
    assert line.expected.problem == "No list size for Q1 2026/27."
    assert line.difference is None


def test_year_without_a_rate_is_reported_clearly(db):
    practice = PracticeFactory()
    ListSizeFactory(practice=practice, quarter_start=date(2026, 4, 1))

    line = line_for(practice, LevyKind.STATUTORY)
    assert line.state == ReconciliationState.NO_RATE
    assert line.expected.problem == "No statutory levy rate is set for 2026/27."


def test_totals_add_known_amounts_and_count_states(practice_with_list):
    pay(practice_with_list, "1000.00")
    totals = reconciliation_totals(levy_reconcile(quarters=[Q1]))

    assert totals.expected == Decimal("1228.08")
    assert totals.received == Decimal("1000.00")
    assert totals.difference == Decimal("-228.08")
    assert totals.states == {ReconciliationState.SHORT: 1, ReconciliationState.MISSING: 1}


def test_reconciliation_of_many_practices_uses_a_fixed_number_of_queries(db, rates_2026, django_assert_max_num_queries):
    for _ in range(20):
        practice = PracticeFactory()
        ListSizeFactory(practice=practice, quarter_start=date(2026, 4, 1))
        pay(practice, "10.00")

    with django_assert_max_num_queries(4):
        lines = levy_reconcile(quarters=[Q1, Quarter(2026, 2)])
    assert len(lines) == 80
