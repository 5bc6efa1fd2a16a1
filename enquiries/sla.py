"""First-contact SLA arithmetic: working days, due moments and SLA states.

The one home of the SLA rule. Pure functions of dates and settings, no
database access. The nation is read once and kept until Django signals a
change of setting (tests override it); the other settings are read at call
time, so a change of LMC_URGENT_HOURS takes effect immediately.

The rule is written twice here, side by side and nowhere else: `sla_state`
in Python (the oracle, for one enquiry in hand) and `sla_state_q` /
`sla_state_annotation` as database expressions (for filtering, counting and
ordering many rows in one query). A test checks on generated rows that the
two agree. This module imports `django.db.models` for `Q`, `F` and `Case`
only: those build expressions over field names and touch no table, and this
module imports no model of ours, so `enquiries.models` and every selector can
import it without a cycle and it stays testable without a database.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.core.signals import setting_changed
from django.db.models import Case, CharField, F, Q, Value, When

LONDON = ZoneInfo("Europe/London")
STANDARD_WORKING_DAYS = 5


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    MET = "met"
    MISSED = "missed"
    ON_HOLD = "on_hold"


SLA_STATE_LABELS = {
    SlaState.ON_TRACK: "On track",
    SlaState.DUE_SOON: "Due soon",
    SlaState.BREACHED: "Breached",
    SlaState.MET: "Met",
    SlaState.MISSED: "Missed",
    SlaState.ON_HOLD: "On hold",
}

# How close to the due moment an open enquiry counts as "due soon".
DUE_SOON_WINDOW_URGENT = timedelta(hours=12)
DUE_SOON_WINDOW_STANDARD = timedelta(hours=24)


DUE_SOON_WINDOW_WIDEST = max(DUE_SOON_WINDOW_URGENT, DUE_SOON_WINDOW_STANDARD)

# The status value of an enquiry held while PCN support is paused (`Status.ON_HOLD`
# in enquiries.models, which imports this module, so it is spelled here).
ON_HOLD_STATUS = "on_hold"


def due_soon_window(*, urgent: bool) -> timedelta:
    """Return how long before the due moment an open enquiry counts as due soon."""
    return DUE_SOON_WINDOW_URGENT if urgent else DUE_SOON_WINDOW_STANDARD


# --- Settings, read at call time ---------------------------------------------


def _setting(name: str, default):
    from django.conf import settings

    return getattr(settings, name, default)


# The nation is read once and kept; a change of setting (tests override it)
# clears the copy through Django's `setting_changed` signal.
_settings_read: dict[str, str] = {}


def _region() -> str:
    try:
        return _settings_read["region"]
    except KeyError:
        region = _settings_read["region"] = _setting("LMC_BANK_HOLIDAY_REGION", "ENG")
        return region


def _forget_settings(*, setting: str, **kwargs) -> None:
    if setting.startswith("LMC_"):
        _settings_read.clear()


setting_changed.connect(_forget_settings, dispatch_uid="enquiries.sla._forget_settings")


def close_of_business() -> time:
    """Return the LMC's close of business (setting LMC_CLOSE_OF_BUSINESS, "HH:MM")."""
    hours, minutes = _setting("LMC_CLOSE_OF_BUSINESS", "17:00").split(":")
    return time(int(hours), int(minutes))


def urgent_hours() -> int:
    return int(_setting("LMC_URGENT_HOURS", 48))


@dataclass(frozen=True)
class Targets:
    """A support service's first-contact promise (`SupportService.targets`)."""

    working_days: int
    urgent_hours: int
    close_of_business: time


def leadership_targets() -> Targets:
    """Return the Leadership and Management Support targets from the settings (5 days, 48 h, 17:00)."""
    return Targets(working_days=STANDARD_WORKING_DAYS, urgent_hours=urgent_hours(), close_of_business=close_of_business())


@lru_cache(maxsize=64)
def _bank_holidays(region: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=region, years=year).keys())


# The years whose weekday bank holidays are kept in one sorted list per nation,
# built once; a date outside them (never in practice) is counted year by year.
_INDEXED_YEARS = range(1970, 2201)


@lru_cache(maxsize=8)
def _weekday_bank_holidays(region: str) -> tuple[date, ...]:
    """Return the nation's bank holidays falling Monday to Friday in `_INDEXED_YEARS`, sorted."""
    every = holidays.country_holidays("GB", subdiv=region, years=_INDEXED_YEARS)
    return tuple(sorted(day for day in every if day.weekday() < 5))


def _weekday_bank_holidays_in(region: str, start: date, end: date) -> int:
    """Count the weekday bank holidays after `start` up to and including `end`."""
    if start.year in _INDEXED_YEARS and end.year in _INDEXED_YEARS:
        index = _weekday_bank_holidays(region)
        return bisect_right(index, end) - bisect_right(index, start)
    return sum(
        1
        for year in range(start.year, end.year + 1)
        for day in _bank_holidays(region, year)
        if start < day <= end and day.weekday() < 5
    )


def _weekdays_between(start: date, end: date) -> int:
    """Count Mondays to Fridays after `start` up to and including `end` (`end` > `start`)."""
    days = (end - start).days
    weeks, remainder = divmod(days, 7)
    count = weeks * 5
    first = start.weekday()
    for offset in range(1, remainder + 1):
        if (first + offset) % 7 < 5:
            count += 1
    return count


# --- Working days -------------------------------------------------------------


def is_working_day(day: date) -> bool:
    """Return True for Monday to Friday that is not a bank holiday in the LMC's nation."""
    if isinstance(day, datetime):
        raise TypeError("is_working_day takes a date, not a datetime")
    return day.weekday() < 5 and day not in _bank_holidays(_region(), day.year)


def working_days_between(start: date, end: date) -> int:
    """Count the working days after `start` up to and including `end` (0 when `end` <= `start`).

    O(1): whole weeks x 5, plus the weekdays of the remainder, minus the
    weekday bank holidays in the range (by bisect in the nation's sorted list).
    """
    if end <= start:
        return 0
    return _weekdays_between(start, end) - _weekday_bank_holidays_in(_region(), start, end)


def add_working_days(day: date, n: int) -> date:
    """Return the `n`-th working day strictly after `day` (`day` itself when `n` is 0)."""
    if n < 0:
        raise ValueError("n must be 0 or more")
    while n:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


# --- Due moments ---------------------------------------------------------------


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment!r}")


def first_contact_due(submitted_at: datetime, *, urgent: bool, targets: Targets | None = None) -> datetime:
    """Return the moment first contact is due for an enquiry submitted at `submitted_at`.

    `targets` are the service's (default: Leadership and Management Support's,
    from the settings). Urgent: exactly `targets.urgent_hours` clock hours
    later (counted in UTC, so a clock change does not stretch or shrink it).
    Standard: close of business on the `targets.working_days`-th working day
    strictly after the Europe/London calendar date of submission. The result
    is aware, in Europe/London.
    """
    _require_aware(submitted_at, "submitted_at")
    targets = targets or leadership_targets()
    if urgent:
        return (submitted_at.astimezone(UTC) + timedelta(hours=targets.urgent_hours)).astimezone(LONDON)
    submitted_on = submitted_at.astimezone(LONDON).date()
    due_on = add_working_days(submitted_on, targets.working_days)
    return datetime.combine(due_on, targets.close_of_business, tzinfo=LONDON)


def sla_state(
    *,
    status: str,
    urgent: bool,
    first_contact_due_at: datetime | None,
    first_contact_at: datetime | None,
    now: datetime,
) -> SlaState:
    """Return where an enquiry stands against its first-contact promise at `now`."""
    _require_aware(now, "now")
    if status == ON_HOLD_STATUS or first_contact_due_at is None:
        return SlaState.ON_HOLD
    # Python compares and subtracts datetimes sharing a tzinfo by wall clock,
    # which is wrong across a clock change: work in UTC.
    now = now.astimezone(UTC)
    first_contact_due_at = first_contact_due_at.astimezone(UTC)
    if first_contact_at is not None:
        first_contact_at = first_contact_at.astimezone(UTC)
    if first_contact_at is not None:
        return SlaState.MET if first_contact_at <= first_contact_due_at else SlaState.MISSED
    if now > first_contact_due_at:
        return SlaState.BREACHED
    if first_contact_due_at - now <= due_soon_window(urgent=urgent):
        return SlaState.DUE_SOON
    return SlaState.ON_TRACK


# --- The same rule as database expressions ------------------------------------------
# Field names are the Enquiry model's: status, urgent, first_contact_due_at, first_contact_at.


def _has_due() -> Q:
    return ~Q(status=ON_HOLD_STATUS) & Q(first_contact_due_at__isnull=False)


def _within_due_soon_window(now: datetime) -> Q:
    return Q(urgent=True, first_contact_due_at__lte=now + DUE_SOON_WINDOW_URGENT) | Q(
        urgent=False, first_contact_due_at__lte=now + DUE_SOON_WINDOW_STANDARD
    )


def sla_state_q(state: SlaState | str, *, now: datetime) -> Q:
    """Return a filter matching the enquiries whose `sla_state` at `now` is `state`.

    The database twin of `sla_state`: the states' filters are disjoint and
    together match every enquiry. The due-soon filter also carries the widest
    window as a plain range, so an index on the due moment can bound the scan.
    """
    _require_aware(now, "now")
    state = SlaState(state)
    if state == SlaState.ON_HOLD:
        return ~_has_due()
    if state == SlaState.MET:
        return _has_due() & Q(first_contact_at__isnull=False, first_contact_at__lte=F("first_contact_due_at"))
    if state == SlaState.MISSED:
        return _has_due() & Q(first_contact_at__gt=F("first_contact_due_at"))
    awaiting = _has_due() & Q(first_contact_at__isnull=True)
    if state == SlaState.BREACHED:
        return awaiting & Q(first_contact_due_at__lt=now)
    if state == SlaState.DUE_SOON:
        return (
            awaiting
            & Q(first_contact_due_at__gte=now, first_contact_due_at__lte=now + DUE_SOON_WINDOW_WIDEST)
            & _within_due_soon_window(now)
        )
    return awaiting & Q(first_contact_due_at__gte=now) & ~_within_due_soon_window(now)


def sla_state_annotation(now: datetime) -> Case:
    """Return a database expression giving each enquiry's `SlaState` value at `now`."""
    _require_aware(now, "now")
    return Case(
        *(
            When(sla_state_q(state, now=now), then=Value(state.value))
            for state in (SlaState.ON_HOLD, SlaState.MET, SlaState.MISSED, SlaState.BREACHED, SlaState.DUE_SOON)
        ),
        default=Value(SlaState.ON_TRACK.value),
        output_field=CharField(),
    )


# --- Words ------------------------------------------------------------------------


def describe_time(moment: datetime) -> str:
    """Return a clock time the NHS way: "5pm", "10:30am", "midday", "midnight"."""
    local = moment.astimezone(LONDON)
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    if local.hour == 12 and local.minute == 0:
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def describe_date(day: date) -> str:
    """Return "Monday 30 November 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def describe_moment(moment: datetime) -> str:
    """Return "Tuesday 24 November 2026 at 9:30am" (London time)."""
    return f"{describe_date(moment.astimezone(LONDON).date())} at {describe_time(moment)}"


def describe_due(due_at: datetime, *, now: datetime) -> str:
    """Return when first contact is due, in words: "by 5pm on Monday 30 November 2026".

    "today" or "tomorrow" is added when it helps someone reading late at night.
    """
    _require_aware(due_at, "due_at")
    _require_aware(now, "now")
    due_on = due_at.astimezone(LONDON).date()
    today = now.astimezone(LONDON).date()
    when = describe_date(due_on)
    if due_on == today:
        when = f"today, {when}"
    elif due_on == today + timedelta(days=1):
        when = f"tomorrow, {when}"
    else:
        when = f"on {when}"
    return f"by {describe_time(due_at)} {when}"


def _span_in_words(span: timedelta, start: datetime, end: datetime) -> str:
    """Say how long `span` (from `start` to `end`) is: minutes, hours, or working days past a day."""
    if span < timedelta(hours=1):
        return f"{max(1, int(span.total_seconds() // 60))} min"
    if span < timedelta(hours=24):
        return f"{int(span.total_seconds() // 3600)} h"
    days = working_days_between(start.astimezone(LONDON).date(), end.astimezone(LONDON).date())
    if days == 0:
        return f"{int(span.total_seconds() // 3600)} h"
    return f"{days} working day{'' if days == 1 else 's'}"


def sla_in_words(*, state: str, due: datetime | None, first_contact_at: datetime | None, now: datetime) -> str:
    """Return the time left or overdue in words, e.g. "due in 3 h", "overdue by 1 working day"."""
    if state == SlaState.ON_HOLD or due is None:
        return "no due time while PCN support is paused"
    if first_contact_at is not None:
        if first_contact_at <= due:
            return "first contact on time"
        return f"first contact {_span_in_words(first_contact_at - due, due, first_contact_at)} late"
    if now <= due:
        return f"due in {_span_in_words(due - now, now, due)}"
    return f"overdue by {_span_in_words(now - due, due, now)}"


def urgent_promise(targets: Targets | None = None) -> str:
    """Return the urgent first-contact promise in words: "within 48 hours" (the service's, default LMC_URGENT_HOURS)."""
    hours = targets.urgent_hours if targets else urgent_hours()
    return f"within {hours} hour{'' if hours == 1 else 's'}"


def standard_promise(targets: Targets | None = None) -> str:
    """Return the standard promise in words: "by 5pm on the 5th working day"."""
    targets = targets or leadership_targets()
    days = targets.working_days
    due = datetime.combine(date(2000, 1, 1), targets.close_of_business, tzinfo=LONDON)
    return f"within {days} working day{'' if days == 1 else 's'} (by {describe_time(due)})"
