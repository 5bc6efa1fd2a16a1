"""The support overview's monthly figures, kept by beat so the page need not count the whole history.

See `enquiries.selectors.overview` for how the page reads them.
"""

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from ..models import Enquiry, OverviewMonth, OverviewMonthCount
from ..months import LONDON, month_bounds, month_window
from ..selectors.overview import OVERVIEW_MONTHS, MonthSpan, enquiry_month_tallies

__all__ = ["overview_month_summarise", "overview_months_summarise"]


def _last_midnight(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(LONDON).date(), time(0), tzinfo=LONDON)


@transaction.atomic
def overview_month_summarise(*, month: date, now: datetime | None = None) -> OverviewMonth | None:
    """Count `month`'s overview figures up to its end, or up to last midnight if it is not over; replace what was kept.

    One aggregate over the month's enquiries (every enquiry: the overview
    takes off per viewer what is hidden from them). Safe to run twice or at
    once: the month's row is locked, and its figures are replaced in the same
    transaction. Return the month's row, or None when nothing of the month
    has passed by last midnight (its first day).
    """
    now = now or timezone.now()
    start, end = month_bounds(month)
    until = min(end, _last_midnight(now))
    if until <= start:
        return None
    OverviewMonth.objects.get_or_create(month=month, defaults={"summarised_until": start, "summarised_at": now})
    summary = OverviewMonth.objects.select_for_update().get(month=month)
    tallies = enquiry_month_tallies(
        enquiries=Enquiry.objects.all(), spans=[MonthSpan(month=month, start=start, end=until)], now=now
    )
    summary.counts.all().delete()
    OverviewMonthCount.objects.bulk_create(
        OverviewMonthCount(
            summary=summary,
            service_id=service_id,
            topic=topic,
            urgent=urgent,
            submitted=tally.submitted,
            first_contact_due=tally.first_contact_due,
            first_contact_met=tally.first_contact_met,
        )
        for (_month, service_id, topic, urgent), tally in tallies.items()
    )
    summary.summarised_until = until
    summary.summarised_at = now
    summary.save(update_fields=["summarised_until", "summarised_at"])
    return summary


def overview_months_summarise(*, now: datetime | None = None, months: int = OVERVIEW_MONTHS) -> int:
    """Recount every month of the overview's window up to last midnight, one transaction each; return how many.

    Run nightly: it picks up a month that has just closed, and first contacts
    recorded late in an earlier month (a breached enquiry that turns out met).
    """
    now = now or timezone.now()
    return sum(overview_month_summarise(month=month, now=now) is not None for month in month_window(now, months))
