"""First-contact SLA arithmetic: working days, due moments and SLA states.

Pure functions of dates and settings, no database access. Settings are read
at call time, so tests (and a change of nation) take effect immediately.
"""

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

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


def due_soon_window(*, urgent: bool) -> timedelta:
    return DUE_SOON_WINDOW_URGENT if urgent else DUE_SOON_WINDOW_STANDARD


# --- Settings, read at call time ---------------------------------------------


def _setting(name: str, default):
    from django.conf import settings

    return getattr(settings, name, default)


def _region() -> str:
    return _setting("LMC_BANK_HOLIDAY_REGION", "ENG")


def close_of_business() -> time:
    """Return the LMC's close of business (setting LMC_CLOSE_OF_BUSINESS, "HH:MM")."""
    hours, minutes = _setting("LMC_CLOSE_OF_BUSINESS", "17:00").split(":")
    return time(int(hours), int(minutes))


def urgent_hours() -> int:
    return int(_setting("LMC_URGENT_HOURS", 48))


@lru_cache(maxsize=64)
def _bank_holidays(region: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=region, years=year).keys())


# --- Working days -------------------------------------------------------------


def is_working_day(day: date) -> bool:
    """Return True for Monday to Friday that is not a bank holiday in the LMC's nation."""
    if isinstance(day, datetime):
        raise TypeError("is_working_day takes a date, not a datetime")
    return day.weekday() < 5 and day not in _bank_holidays(_region(), day.year)


def working_days_between(start: date, end: date) -> int:
    """Count the working days after `start` up to and including `end` (0 when `end` <= `start`)."""
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=offset)))


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


def first_contact_due(submitted_at: datetime, *, urgent: bool) -> datetime:
    """Return the moment first contact is due for an enquiry submitted at `submitted_at`.

    Urgent: exactly LMC_URGENT_HOURS clock hours later (counted in UTC, so a
    clock change does not stretch or shrink it). Standard: close of business on
    the fifth working day strictly after the Europe/London calendar date of
    submission. The result is aware, in Europe/London.
    """
    _require_aware(submitted_at, "submitted_at")
    if urgent:
        return (submitted_at.astimezone(UTC) + timedelta(hours=urgent_hours())).astimezone(LONDON)
    submitted_on = submitted_at.astimezone(LONDON).date()
    due_on = add_working_days(submitted_on, STANDARD_WORKING_DAYS)
    return datetime.combine(due_on, close_of_business(), tzinfo=LONDON)


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
    if status == "on_hold" or first_contact_due_at is None:
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
