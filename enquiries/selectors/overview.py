"""The support overview: open enquiries by SLA state and per officer, monthly compliance, enquiries per topic.

Its cost does not grow with the history of enquiries:

- **Open enquiries** (by SLA state, per officer) are read from the partial
  index on open enquiries alone (`enq_open_idx` carries every column the SLA
  state needs), never the closed ones.
- **Monthly figures** (first-contact compliance, enquiries per topic) for
  the part of the window that is over come from `OverviewMonthCount`, kept
  by beat (`enquiries.services.overview_months_summarise`): a closed month's
  figures, and the current month's up to last midnight. Only what came
  after that is counted live, through the due-time and submission-time
  indexes. A month never summarised is counted live, so a missing summary
  costs speed, never correctness.
- **Who may see what** still holds exactly. The summary and the live counts
  take every enquiry of the services the viewer's groups may see; the few
  that a restriction or a conflict of interest hides from the viewer are
  then found through their own indexes and taken off every figure
  (`enquiries_hidden_from_staff`, beside the rule in `visibility`).

Monthly figures are bucketed by the calendar month (Europe/London) in which
first contact was due (compliance) or the enquiry was submitted (topics).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import BooleanField, CharField, Count, DateField, Field, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from members.models import User

from ..models import ALL_TOPIC_CHOICES, Enquiry, OverviewMonth, OverviewMonthCount, Status, SupportService
from ..months import LONDON, month_bounds, month_of, month_window
from ..sla import SLA_STATE_LABELS, SlaState, sla_state_annotation, sla_state_q
from .visibility import enquiries_hidden_from_staff, support_services_visible_to_staff

__all__ = [
    "OVERVIEW_MONTHS",
    "MonthSpan",
    "MonthTally",
    "enquiry_month_tallies",
    "open_enquiry_counts",
    "support_overview",
]

# How many calendar months the overview's monthly figures cover (the current one included).
OVERVIEW_MONTHS = 12

# The first-contact outcomes that count towards compliance once first contact was due.
COUNTED_STATES = (SlaState.MET, SlaState.MISSED, SlaState.BREACHED)


@dataclass(frozen=True)
class MonthSpan:
    """A part of one calendar month, `start` (included) to `end` (excluded), aware datetimes."""

    month: date
    start: datetime
    end: datetime


@dataclass
class MonthTally:
    """Enquiries submitted in a month, and first contacts due in it that count, and of those the ones on time."""

    submitted: int = 0
    first_contact_due: int = 0
    first_contact_met: int = 0


# (month, service id, topic, urgent)
TallyKey = tuple[date, int, str, bool]


def _counted(now: datetime) -> Q:
    return reduce(or_, (sla_state_q(state, now=now) for state in COUNTED_STATES))


def _as_month(value: Any) -> date | None:
    """A month from TruncMonth: a date, or a datetime (SQLite) in London."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (timezone.localtime(value, LONDON) if timezone.is_aware(value) else value).date()
    return value


def enquiry_month_tallies(
    *, enquiries: QuerySet[Enquiry], spans: Iterable[MonthSpan], now: datetime
) -> dict[TallyKey, MonthTally]:
    """Count `enquiries` within `spans`, per (month, service id, topic, urgent), in one aggregate.

    `submitted`: submitted within a span. `first_contact_due`: first contact
    due within a span and by `now`, and met, missed or breached at `now`
    (the overview's compliance counts exactly these); `first_contact_met`:
    of those, made by the due time. The summary and the live part of the
    overview both count with this, so they agree.
    """
    spans = list(spans)
    tallies: dict[TallyKey, MonthTally] = defaultdict(MonthTally)
    if not spans:
        return tallies
    submitted = reduce(or_, (Q(submitted_at__gte=s.start, submitted_at__lt=s.end) for s in spans))
    # Only first contacts already due count, so the index range stops at `now`.
    due = reduce(or_, (Q(first_contact_due_at__gte=s.start, first_contact_due_at__lt=s.end) for s in spans)) & Q(
        first_contact_due_at__lte=now
    )
    counted = due & _counted(now)
    rows = (
        enquiries.order_by()
        .filter(submitted | due)
        .values(
            "service_id",
            "topic",
            "urgent",
            submitted_month=TruncMonth("submitted_at", tzinfo=LONDON, output_field=DateField()),
            due_month=TruncMonth("first_contact_due_at", tzinfo=LONDON, output_field=DateField()),
        )
        .annotate(
            n_submitted=Count("pk", filter=submitted),
            n_due=Count("pk", filter=counted),
            n_met=Count("pk", filter=counted & sla_state_q(SlaState.MET, now=now)),
        )
    )
    for row in rows:
        key = (row["service_id"], row["topic"], row["urgent"])
        if row["n_submitted"]:
            tallies[(_as_month(row["submitted_month"]), *key)].submitted += row["n_submitted"]  # type: ignore[index]
        if row["n_due"]:
            tally = tallies[(_as_month(row["due_month"]), *key)]  # type: ignore[index]
            tally.first_contact_due += row["n_due"]
            tally.first_contact_met += row["n_met"]
    return tallies


def _summary_tallies(
    *, months: list[date], services: QuerySet[SupportService], now: datetime
) -> tuple[dict[TallyKey, MonthTally], list[MonthSpan]]:
    """Return the kept figures of the window's months for `services`, and the spans the summary leaves to count live.

    One query: the summarised months, and their counts for `services`.
    """
    tallies: dict[TallyKey, MonthTally] = defaultdict(MonthTally)
    covered: dict[date, datetime] = {}
    summarised = OverviewMonth.objects.filter(month__in=months, summarised_until__lte=now)
    # The month rows carry no count: NULLs typed like the count rows' columns, for the UNION.
    blank_fields: list[tuple[str, Field]] = [
        ("no_service", IntegerField()),
        ("no_topic", CharField()),
        ("no_urgent", BooleanField()),
        ("no_submitted", IntegerField()),
        ("no_due", IntegerField()),
        ("no_met", IntegerField()),
    ]
    nothing = {name: Cast(Value(None), field) for name, field in blank_fields}
    rows = (
        summarised.order_by()
        .annotate(**nothing)
        .values_list("month", "summarised_until", *nothing)
        .union(
            OverviewMonthCount.objects.filter(summary__in=summarised, service__in=services)
            .order_by()
            .values_list(
                "summary__month",
                "summary__summarised_until",
                "service_id",
                "topic",
                "urgent",
                "submitted",
                "first_contact_due",
                "first_contact_met",
            ),
            all=True,
        )
    )
    for month, until, service_id, topic, urgent, submitted, due, met in rows:
        covered[month] = until
        if service_id is not None:
            tallies[(month, service_id, topic, urgent)] = MonthTally(submitted, due, met)
    live = []
    for month in months:
        start, end = month_bounds(month)
        live_from = covered.get(month, start)
        if live_from < end:
            live.append(MonthSpan(month=month, start=live_from, end=end))
    return tallies, live


@dataclass(frozen=True)
class _Hidden:
    """One enquiry hidden from the viewer, with what every figure needs to take it off."""

    assigned_to_id: int | None
    is_open: bool
    sla_state: str
    service_id: int
    topic: str
    urgent: bool
    submitted_at: datetime
    first_contact_due_at: datetime | None


def _hidden_enquiries(*, viewer: User, services: QuerySet[SupportService], since: datetime, now: datetime) -> list[_Hidden]:
    """Return the enquiries of `services` hidden from `viewer` that any figure counts: open, or in the window."""
    hidden = enquiries_hidden_from_staff(user=viewer, queryset=Enquiry.objects.filter(service__in=services))
    rows = (
        hidden.order_by()
        .filter(~Q(status=Status.CLOSED) | Q(submitted_at__gte=since) | Q(first_contact_due_at__gte=since))
        .annotate(sla_state=sla_state_annotation(now))
        .values_list(
            "assigned_to_id", "status", "sla_state", "service_id", "topic", "urgent", "submitted_at", "first_contact_due_at"
        )
    )
    return [
        _Hidden(assigned, status != Status.CLOSED, state, service, topic, urgent, submitted_at, due)
        for assigned, status, state, service, topic, urgent, submitted_at, due in rows
    ]


def _take_off_hidden(
    tallies: dict[TallyKey, MonthTally], hidden: list[_Hidden], *, months: list[date], now: datetime
) -> None:
    """Subtract from `tallies` what the enquiries in `hidden` added to them (see `enquiry_month_tallies`)."""
    window = set(months)
    for enquiry in hidden:
        key = (enquiry.service_id, enquiry.topic, enquiry.urgent)
        submitted_month = month_of(enquiry.submitted_at)
        if submitted_month in window:
            tallies[(submitted_month, *key)].submitted -= 1
        due = enquiry.first_contact_due_at
        if due is not None and due <= now and month_of(due) in window and enquiry.sla_state in COUNTED_STATES:
            tally = tallies[(month_of(due), *key)]
            tally.first_contact_due -= 1
            tally.first_contact_met -= enquiry.sla_state == SlaState.MET


def open_enquiry_counts(*, services: QuerySet[SupportService], now: datetime) -> QuerySet:
    """Return the open enquiries of `services` counted per assigned officer id and SLA state at `now`.

    Shaped for the partial index `enq_open_idx`: its predicate (not closed)
    is the filter, and the grouping and the state read only the columns it
    carries, with COUNT(*), so PostgreSQL answers from the index alone.
    """
    return (
        Enquiry.objects.filter(service__in=services)
        .exclude(status=Status.CLOSED)
        .order_by()
        .values("assigned_to_id", state=sla_state_annotation(now))
        .annotate(n=Count("*"))
    )


def _open_figures(
    *, services: QuerySet[SupportService], hidden: list[_Hidden], now: datetime
) -> tuple[list[dict], list[dict]]:
    """Return the open enquiries by SLA state and per officer (name, open, breached), unassigned last.

    One grouped read of the open-enquiry index (an index-only scan: COUNT(*)
    and the SLA state need only the columns it carries), less the hidden
    ones; then the names of the few officers found.
    """
    rows = open_enquiry_counts(services=services, now=now)
    by_state: dict[str, int] = defaultdict(int)
    open_by: dict[int | None, int] = defaultdict(int)
    breached_by: dict[int | None, int] = defaultdict(int)
    for row in rows:
        by_state[row["state"]] += row["n"]
        open_by[row["assigned_to_id"]] += row["n"]
        breached_by[row["assigned_to_id"]] += row["n"] if row["state"] == SlaState.BREACHED else 0
    for enquiry in hidden:
        if enquiry.is_open:
            by_state[enquiry.sla_state] -= 1
            open_by[enquiry.assigned_to_id] -= 1
            breached_by[enquiry.assigned_to_id] -= enquiry.sla_state == SlaState.BREACHED
    states = [
        {"state": state.value, "label": SLA_STATE_LABELS[state], "count": max(0, by_state[state.value])}
        for state in SlaState
    ]
    assigned = [officer for officer, count in open_by.items() if officer is not None and count > 0]
    officers = User.objects.filter(pk__in=assigned).order_by("last_name", "first_name", "pk") if assigned else []
    per_officer = [
        {
            "name": officer.get_full_name() or officer.email,
            "open": open_by[officer.pk],
            "breached": max(0, breached_by[officer.pk]),
        }
        for officer in officers
    ]
    if open_by[None] > 0:
        per_officer.append({"name": "Unassigned", "open": open_by[None], "breached": max(0, breached_by[None])})
    return states, per_officer


def _percent(tally: MonthTally | None) -> float | None:
    if tally is None or tally.first_contact_due <= 0:
        return None
    return round(100 * max(0, tally.first_contact_met) / tally.first_contact_due, 1)


def _compliance(tallies: dict[TallyKey, MonthTally], months: list[date]) -> dict:
    """Met / (met + missed + breached) per month of the due time, urgent and standard separately."""
    per_month: dict[tuple[date, bool], MonthTally] = {}
    for (month, _service, _topic, urgent), tally in tallies.items():
        total = per_month.setdefault((month, urgent), MonthTally())
        total.first_contact_due += tally.first_contact_due
        total.first_contact_met += tally.first_contact_met
    counts = {key: max(0, tally.first_contact_due) for key, tally in per_month.items()}
    return {
        "labels": [f"{m:%b %Y}" for m in months],
        "urgent": [_percent(per_month.get((m, True))) for m in months],
        "standard": [_percent(per_month.get((m, False))) for m in months],
        "counts_urgent": [counts.get((m, True), 0) for m in months],
        "counts_standard": [counts.get((m, False), 0) for m in months],
    }


def _per_topic(tallies: dict[TallyKey, MonthTally]) -> dict:
    """How many enquiries were submitted per topic over the window."""
    counts: dict[str, int] = defaultdict(int)
    for (_month, _service, topic, _urgent), tally in tallies.items():
        counts[topic] += tally.submitted
    return {
        "labels": [label for _, label in ALL_TOPIC_CHOICES],
        "counts": [max(0, counts.get(value, 0)) for value, _ in ALL_TOPIC_CHOICES],
    }


def support_overview(
    *, now: datetime | None = None, months: int = OVERVIEW_MONTHS, visible_to: User | None = None
) -> dict:
    """Return every figure of the support overview page at `now`, in a fixed number of queries.

    `by_state` and `per_officer` count open enquiries; `compliance` is the
    share of first contacts made on time per month of the due time over the
    last `months` calendar months up to `now`; `per_topic` counts the
    enquiries submitted over those months. With `visible_to` (a staff user)
    every figure counts only the enquiries that user may see (see
    `enquiries.selectors.visibility`). Without it, every enquiry counts (for
    tests and the shell).
    """
    now = now or timezone.now()
    window = month_window(now, months)
    if visible_to is not None:
        services = support_services_visible_to_staff(user=visible_to)
        since = month_bounds(window[0])[0]
        hidden = _hidden_enquiries(viewer=visible_to, services=services, since=since, now=now)
    else:
        services = SupportService.objects.all()
        hidden = []
    tallies, live = _summary_tallies(months=window, services=services, now=now)
    live_tallies = enquiry_month_tallies(enquiries=Enquiry.objects.filter(service__in=services), spans=live, now=now)
    for key, tally in live_tallies.items():
        total = tallies[key]
        total.submitted += tally.submitted
        total.first_contact_due += tally.first_contact_due
        total.first_contact_met += tally.first_contact_met
    _take_off_hidden(tallies, hidden, months=window, now=now)
    by_state, per_officer = _open_figures(services=services, hidden=hidden, now=now)
    return {
        "by_state": by_state,
        "per_officer": per_officer,
        "compliance": _compliance(tallies, window),
        "per_topic": _per_topic(tallies),
    }
