"""The working-day count in O(1) agrees with counting one day at a time, in every nation."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from enquiries.sla import add_working_days, is_working_day, working_days_between

NATIONS = ["ENG", "WLS", "SCT", "NIR"]


def day_by_day(start: date, end: date) -> int:
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=offset)))


@pytest.mark.parametrize("nation", NATIONS)
@hypothesis_settings(max_examples=150, deadline=None)
@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), span=st.integers(-30, 5 * 366))
def test_working_days_between_equals_the_day_by_day_count(nation, start, span):
    end = start + timedelta(days=span)
    with override_settings(LMC_BANK_HOLIDAY_REGION=nation):
        assert working_days_between(start, end) == day_by_day(start, end)


@pytest.mark.parametrize("nation", NATIONS)
@hypothesis_settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), n=st.integers(0, 400))
def test_add_working_days_is_the_inverse_of_the_count(nation, start, n):
    with override_settings(LMC_BANK_HOLIDAY_REGION=nation):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_a_change_of_nation_is_seen_at_once(settings):
    # 2 January 2027 is a Saturday; Scotland's substitute holiday is Monday 4 January.
    settings.LMC_BANK_HOLIDAY_REGION = "ENG"
    assert working_days_between(date(2027, 1, 1), date(2027, 1, 4)) == 1
    settings.LMC_BANK_HOLIDAY_REGION = "SCT"
    assert working_days_between(date(2027, 1, 1), date(2027, 1, 4)) == 0


def test_dates_outside_the_indexed_years_still_count_bank_holidays(settings):
    settings.LMC_BANK_HOLIDAY_REGION = "ENG"
    start, end = date(1960, 12, 20), date(1961, 1, 10)
    assert working_days_between(start, end) == day_by_day(start, end)
