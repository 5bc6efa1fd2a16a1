from datetime import date

import pytest

from levies.periods import Quarter, financial_year_of, financial_year_start, quarters_between


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2026, 4, 1), "2026/27"), (date(2027, 3, 31), "2026/27"), (date(2026, 3, 31), "2025/26"), (date(1999, 12, 1), "1999/00")],
)
def test_financial_year_runs_april_to_march(day, year):
    assert financial_year_of(day) == year


@pytest.mark.parametrize("label", ["2026-27", "2026/28", "26/27", "2026/2027", ""])
def test_badly_written_financial_year_is_refused(label):
    with pytest.raises(ValueError, match="financial year"):
        financial_year_start(label)


def test_quarter_labels_name_the_months():
    assert Quarter(2026, 1).label == "Q1 2026/27 (April to June 2026)"
    assert Quarter(2026, 4).label == "Q4 2026/27 (January to March 2027)"


@pytest.mark.parametrize(
    ("day", "quarter"),
    [(date(2026, 10, 1), Quarter(2026, 3)), (date(2026, 12, 31), Quarter(2026, 3)), (date(2027, 1, 1), Quarter(2026, 4)), (date(2026, 6, 30), Quarter(2026, 1))],
)
def test_a_date_belongs_to_the_quarter_that_contains_it(day, quarter):
    assert Quarter.containing(day) == quarter


def test_quarter_end_is_the_day_before_the_next_starts():
    assert Quarter(2026, 4).end == date(2027, 3, 31)
    assert Quarter(2026, 1).end == date(2026, 6, 30)


def test_only_the_first_of_a_quarter_month_starts_a_quarter():
    assert Quarter.starting(date(2027, 1, 1)) == Quarter(2026, 4)
    with pytest.raises(ValueError, match="A quarter starts on"):
        Quarter.starting(date(2026, 5, 1))


def test_quarters_between_crosses_the_year_end():
    assert [q.short_label for q in quarters_between(Quarter(2025, 4), Quarter(2026, 2))] == ["Q4 2025/26", "Q1 2026/27", "Q2 2026/27"]
