"""The first-contact promise: working days, bank holidays per nation, clock changes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from enquiries.sla import (
    SlaState,
    add_working_days,
    describe_due,
    describe_moment,
    first_contact_due,
    is_working_day,
    sla_state,
)

LONDON = ZoneInfo("Europe/London")


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


# (case, nation, submitted at (London wall time), urgent, due at (London wall time))
SLA_CASES = [
    ("monday_morning_due_next_monday", "ENG", at(2026, 11, 23, 10), False, at(2026, 11, 30, 17)),
    ("friday_after_close_of_business_counts_from_friday", "ENG", at(2026, 11, 27, 18, 30), False, at(2026, 12, 4, 17)),
    ("friday_just_before_midnight", "ENG", at(2026, 11, 27, 23, 59), False, at(2026, 12, 4, 17)),
    ("saturday_due_friday_after", "ENG", at(2026, 11, 28, 9), False, at(2026, 12, 4, 17)),
    ("sunday_due_friday_after", "ENG", at(2026, 11, 29, 23, 0), False, at(2026, 12, 4, 17)),
    ("skips_christmas_and_boxing_day_substitute_monday", "ENG", at(2026, 12, 18, 10), False, at(2026, 12, 29, 17)),
    ("christmas_eve_skips_christmas_boxing_day_and_new_year", "ENG", at(2026, 12, 24, 10), False, at(2027, 1, 5, 17)),
    ("christmas_day_itself", "ENG", at(2026, 12, 25, 11), False, at(2027, 1, 5, 17)),
    ("skips_new_years_day", "ENG", at(2026, 12, 31, 16), False, at(2027, 1, 8, 17)),
    ("scotland_skips_2_january_substitute", "SCT", at(2026, 12, 23, 10), False, at(2027, 1, 5, 17)),
    ("england_works_4_january", "ENG", at(2026, 12, 23, 10), False, at(2027, 1, 4, 17)),
    ("easter_2027_skips_good_friday_and_easter_monday", "ENG", at(2027, 3, 25, 10), False, at(2027, 4, 5, 17)),
    ("scotland_works_easter_monday", "SCT", at(2027, 3, 25, 10), False, at(2027, 4, 2, 17)),
    ("early_may_bank_holiday_2027", "ENG", at(2027, 4, 30, 10), False, at(2027, 5, 10, 17)),
    ("spring_bank_holiday_2027", "ENG", at(2027, 5, 28, 10), False, at(2027, 6, 7, 17)),
    ("across_spring_clock_change_due_5pm_bst", "ENG", at(2027, 3, 22, 10), False, at(2027, 3, 31, 17)),
    ("across_autumn_clock_change_due_5pm_gmt", "ENG", at(2027, 10, 27, 10), False, at(2027, 11, 3, 17)),
    ("st_andrews_day_in_scotland", "SCT", at(2026, 11, 23, 10), False, at(2026, 12, 1, 17)),
    ("st_andrews_day_is_a_working_day_in_england", "ENG", at(2026, 11, 23, 10), False, at(2026, 11, 30, 17)),
    ("twelfth_of_july_in_northern_ireland", "NIR", at(2027, 7, 9, 10), False, at(2027, 7, 19, 17)),
    ("twelfth_of_july_is_a_working_day_in_england", "ENG", at(2027, 7, 9, 10), False, at(2027, 7, 16, 17)),
    ("st_patricks_day_in_northern_ireland", "NIR", at(2027, 3, 16, 10), False, at(2027, 3, 24, 17)),
    ("urgent_across_a_weekend_counts_clock_hours", "ENG", at(2026, 11, 27, 15), True, at(2026, 11, 29, 15)),
    ("urgent_late_at_night", "ENG", at(2026, 11, 23, 23, 0), True, at(2026, 11, 25, 23, 0)),
    ("urgent_over_christmas_ignores_bank_holidays", "ENG", at(2026, 12, 24, 12), True, at(2026, 12, 26, 12)),
    # 48 real hours: the lost hour in spring moves the wall clock on by one.
    ("urgent_across_spring_clock_change", "ENG", at(2027, 3, 27, 12), True, at(2027, 3, 29, 13)),
    ("urgent_across_autumn_clock_change", "ENG", at(2027, 10, 30, 12), True, at(2027, 11, 1, 11)),
]


@pytest.mark.parametrize(
    ("nation", "submitted_at", "urgent", "expected"), [case[1:] for case in SLA_CASES], ids=[case[0] for case in SLA_CASES]
)
def test_first_contact_due(settings, nation, submitted_at, urgent, expected):
    settings.LMC_BANK_HOLIDAY_REGION = nation

    due = first_contact_due(submitted_at, urgent=urgent)

    assert due == expected
    assert due.tzinfo is not None
    assert due.utcoffset() == expected.utcoffset()  # the right side of the clock change


def test_standard_due_after_spring_clock_change_is_4pm_utc():
    due = first_contact_due(at(2027, 3, 22, 10), urgent=False)
    assert due.astimezone(UTC) == datetime(2027, 3, 31, 16, 0, tzinfo=UTC)


def test_urgent_is_exactly_48_real_hours_across_spring_clock_change():
    submitted = at(2027, 3, 27, 12)
    due = first_contact_due(submitted, urgent=True)
    # Subtract in UTC: Python subtracts datetimes sharing a tzinfo by wall clock.
    assert due.astimezone(UTC) - submitted.astimezone(UTC) == timedelta(hours=48)


def test_submission_in_utc_uses_the_london_calendar_date():
    # 23:30 UTC on Sunday 23 May 2027 is 00:30 on Monday in London (BST).
    due = first_contact_due(datetime(2027, 5, 23, 23, 30, tzinfo=UTC), urgent=False)
    assert due == at(2027, 6, 1, 17)


def test_naive_submission_time_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        first_contact_due(datetime(2026, 11, 23, 10, 0), urgent=False)


def test_naive_now_is_rejected_by_sla_state():
    with pytest.raises(ValueError, match="timezone-aware"):
        sla_state(
            status="submitted",
            urgent=False,
            first_contact_due_at=at(2026, 11, 30, 17),
            first_contact_at=None,
            now=datetime(2026, 11, 24, 10, 0),
        )


def test_close_of_business_setting_is_read_at_call_time(settings):
    settings.LMC_CLOSE_OF_BUSINESS = "17:30"
    assert first_contact_due(at(2026, 11, 23), urgent=False) == at(2026, 11, 30, 17, 30)


def test_urgent_hours_setting_is_read_at_call_time(settings):
    settings.LMC_URGENT_HOURS = 24
    assert first_contact_due(at(2026, 11, 23), urgent=True) == at(2026, 11, 24)


def test_boxing_day_substitute_monday_is_not_a_working_day():
    assert not is_working_day(date(2026, 12, 28))


def test_weekend_is_not_a_working_day():
    assert not is_working_day(date(2026, 11, 28))
    assert not is_working_day(date(2026, 11, 29))


def test_add_zero_working_days_returns_the_same_day_even_at_a_weekend():
    assert add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 28)


def test_add_one_working_day_from_friday_is_monday():
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2026, 11, 27), -1)


# --- Property: the standard promise ----------------------------------------------

submission_times = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(LONDON), allow_imaginary=False
)


@hypothesis_settings(deadline=None)  # the first look-up of a year's bank holidays is slow
@given(submitted_at=submission_times)
def test_standard_due_is_close_of_business_on_a_working_day_after_submission(submitted_at):
    due = first_contact_due(submitted_at, urgent=False)

    local = due.astimezone(LONDON)
    assert is_working_day(local.date())
    assert (local.hour, local.minute, local.second) == (17, 0, 0)
    assert due > submitted_at


@hypothesis_settings(deadline=None)
@given(first=submission_times, gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)))
def test_later_submission_is_never_due_earlier(first, gap):
    later = (first.astimezone(UTC) + gap).astimezone(LONDON)
    assert first_contact_due(later, urgent=False) >= first_contact_due(first, urgent=False)


# --- SLA state ----------------------------------------------------------------------


MONDAY_5PM = at(2026, 11, 30, 17)


def state(*, now, urgent=False, status="submitted", due=MONDAY_5PM, contacted=None):
    return sla_state(status=status, urgent=urgent, first_contact_due_at=due, first_contact_at=contacted, now=now)


def test_standard_enquiry_with_more_than_a_day_left_is_on_track():
    assert state(now=at(2026, 11, 29, 16, 59)) is SlaState.ON_TRACK


def test_standard_enquiry_with_24_hours_left_is_due_soon():
    assert state(now=at(2026, 11, 29, 17)) is SlaState.DUE_SOON


def test_urgent_enquiry_with_13_hours_left_is_on_track():
    assert state(now=at(2026, 11, 30, 4), urgent=True) is SlaState.ON_TRACK


def test_urgent_enquiry_with_12_hours_left_is_due_soon():
    assert state(now=at(2026, 11, 30, 5), urgent=True) is SlaState.DUE_SOON


def test_past_due_without_contact_is_breached():
    assert state(now=at(2026, 11, 30, 17, 1)) is SlaState.BREACHED


def test_contact_by_the_due_time_is_met_even_when_looked_at_later():
    assert state(now=at(2026, 12, 20), contacted=at(2026, 11, 30, 17)) is SlaState.MET


def test_contact_after_the_due_time_is_missed():
    assert state(now=at(2026, 12, 20), contacted=at(2026, 11, 30, 17, 1)) is SlaState.MISSED


def test_urgent_due_soon_counts_real_hours_across_autumn_clock_change():
    # Due at 01:30 GMT, just after the clocks go back. At 13:45 BST the day
    # before, the wall clocks are 11h45m apart but 12h45m of real time is left.
    due = datetime(2027, 10, 31, 1, 30, tzinfo=UTC).astimezone(LONDON)
    assert state(now=at(2027, 10, 30, 13, 45), urgent=True, due=due) is SlaState.ON_TRACK
    # At 14:30 BST exactly 12 real hours are left.
    assert state(now=at(2027, 10, 30, 14, 30), urgent=True, due=due) is SlaState.DUE_SOON


def test_held_enquiry_is_on_hold():
    assert state(now=at(2026, 12, 20), status="on_hold", due=None) is SlaState.ON_HOLD


# --- Words ----------------------------------------------------------------------------


def test_due_time_in_words():
    assert describe_due(at(2026, 11, 30, 17), now=at(2026, 11, 23)) == "by 5pm on Monday 30 November 2026"


def test_due_tomorrow_says_tomorrow():
    assert describe_due(at(2026, 11, 24, 10, 30), now=at(2026, 11, 23, 23)) == (
        "by 10:30am tomorrow, Tuesday 24 November 2026"
    )


def test_due_at_midday_says_midday():
    assert describe_due(at(2026, 12, 2, 12), now=at(2026, 11, 23)) == "by midday on Wednesday 2 December 2026"


def test_moment_in_words_uses_london_time():
    assert describe_moment(datetime(2027, 7, 1, 8, 30, tzinfo=UTC)) == "Thursday 1 July 2027 at 9:30am"
