"""Calendar months in Europe/London: the support overview's buckets. Pure arithmetic, no Django."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["LONDON", "month_of", "month_add", "month_window", "month_bounds"]

LONDON = ZoneInfo("Europe/London")


def month_of(moment: datetime) -> date:
    """Return the first day of the calendar month (Europe/London) that aware `moment` falls in."""
    if moment.tzinfo is None:
        raise ValueError("`moment` must be an aware datetime")
    return moment.astimezone(LONDON).date().replace(day=1)


def month_add(month: date, months: int) -> date:
    """Return the first day of the month `months` after (or before, when negative) the month of `month`."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_window(now: datetime, months: int) -> list[date]:
    """Return the first days of the last `months` calendar months up to `now`'s (included), oldest first."""
    current = month_of(now)
    return [month_add(current, -back) for back in range(months - 1, -1, -1)]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """Return the first moment of `month` and of the month after it, aware in Europe/London."""
    start = datetime(month.year, month.month, 1, tzinfo=LONDON)
    following = month_add(month, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=LONDON)
