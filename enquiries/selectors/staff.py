"""Staff-side enquiry queries: the triage dashboard and the support overview.

The SLA state is computed in the database (Case/When against a given
moment), so filtering and ordering by it cost one query whatever the rows.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from members.models import User

from ..models import ALL_TOPIC_CHOICES, TRIAGE_RANK, Enquiry, Status
from ..sla import SLA_STATE_LABELS, SlaState, sla_state_annotation
from .visibility import enquiries_visible_to_staff

__all__ = [
    "enquiry_list_for_triage",
    "enquiry_list_for_staff",
    "support_overview",
    "support_overview_by_state",
    "support_overview_per_officer",
    "support_overview_compliance",
    "support_overview_per_topic",
    "TRIAGE_ORDERING",
]

# Breached first, then enquiries waiting for first contact, then those in
# progress, then on hold, closed last; within each, the soonest due first.
# (See TRIAGE_RANK: the breached lead because they are the earliest due.)
TRIAGE_ORDERING = [TRIAGE_RANK.asc(), F("first_contact_due_at").asc(nulls_last=True), F("pk").asc()]


def enquiry_list_for_triage(*, now: datetime | None = None) -> QuerySet[Enquiry]:
    """Return every enquiry for staff, annotated with `sla_state` and `triage_rank` at `now`, in triage order."""
    now = now or timezone.now()
    return (
        Enquiry.objects.select_related("practice", "practice__pcn", "assigned_to", "pcn")
        .annotate(sla_state=sla_state_annotation(now), triage_rank=TRIAGE_RANK)
        .order_by(*TRIAGE_ORDERING)
    )


def enquiry_list_for_staff(*, user: User, now: datetime | None = None) -> QuerySet[Enquiry]:
    """Return the enquiries staff user `user` may see, annotated and ordered as `enquiry_list_for_triage`.

    Every staff read of enquiries (the triage list, search, change page,
    history, steps, CSV export and the support overview) starts here, so the
    service group, the restriction and conflicts of interest apply to all of
    them together (see `enquiries.selectors.visibility`).
    """
    return enquiries_visible_to_staff(user=user, queryset=enquiry_list_for_triage(now=now))


def _month_starts(now: datetime, months: int) -> list[datetime]:
    """Return the first moments (Europe/London) of the last `months` calendar months, oldest first."""
    local = timezone.localtime(now)
    year, month = local.year, local.month
    starts = []
    for _ in range(months):
        starts.append(local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(starts))


def support_overview_by_state(*, enquiries: QuerySet[Enquiry]) -> list[dict]:
    """Return the open enquiries of `enquiries` per SLA state (state, label, count), every state listed.

    `enquiries` must carry the `sla_state` annotation (see `enquiry_list_for_triage`).
    """
    state_counts = dict(
        enquiries.exclude(status=Status.CLOSED)
        .order_by()
        .values_list("sla_state")  # type: ignore[misc]  # annotated by enquiry_list_for_triage
        .annotate(n=Count("pk"))
        .values_list("sla_state", "n")
    )
    return [
        {"state": state.value, "label": SLA_STATE_LABELS[state], "count": state_counts.get(state.value, 0)}
        for state in SlaState
    ]


def support_overview_per_officer(*, enquiries: QuerySet[Enquiry]) -> list[dict]:
    """Return the open enquiries of `enquiries` per officer (name, open, breached), unassigned last."""
    officers = (
        enquiries.exclude(status=Status.CLOSED)
        .values("assigned_to", "assigned_to__first_name", "assigned_to__last_name", "assigned_to__email")
        .annotate(open=Count("pk"), breached=Count("pk", filter=Q(sla_state=SlaState.BREACHED.value)))
        .order_by(F("assigned_to__last_name").asc(nulls_last=True), "assigned_to__first_name")
    )
    return [
        {
            "name": (
                f"{row['assigned_to__first_name']} {row['assigned_to__last_name']}".strip()
                or row["assigned_to__email"]
                if row["assigned_to"]
                else "Unassigned"
            ),
            "open": row["open"],
            "breached": row["breached"],
        }
        for row in officers
    ]


def support_overview_compliance(*, enquiries: QuerySet[Enquiry], now: datetime, months: int = 12) -> dict:
    """Return, per month of the due date, the share of first contacts made on time.

    Met / (met + missed + breached), urgent and standard separately, for the
    last `months` calendar months up to `now`.
    """
    tz = ZoneInfo(timezone.get_current_timezone_name())
    starts = _month_starts(now, months)
    counted = Q(sla_state__in=[SlaState.MET.value, SlaState.MISSED.value, SlaState.BREACHED.value])
    rows = (
        enquiries.order_by()
        .filter(counted, first_contact_due_at__gte=starts[0], first_contact_due_at__lte=now)
        .annotate(month=TruncMonth("first_contact_due_at", tzinfo=tz))
        .values("month", "urgent")
        .annotate(total=Count("pk"), met=Count("pk", filter=Q(sla_state=SlaState.MET.value)))
    )
    figures = {(timezone.localtime(r["month"], tz).date(), r["urgent"]): r for r in rows}

    def percent(month: datetime, urgent: bool) -> float | None:
        row = figures.get((month.date(), urgent))
        return round(100 * row["met"] / row["total"], 1) if row else None

    return {
        "labels": [f"{m:%b %Y}" for m in starts],
        "urgent": [percent(m, True) for m in starts],
        "standard": [percent(m, False) for m in starts],
        "counts_urgent": [figures.get((m.date(), True), {}).get("total", 0) for m in starts],
        "counts_standard": [figures.get((m.date(), False), {}).get("total", 0) for m in starts],
    }


def support_overview_per_topic(*, enquiries: QuerySet[Enquiry], now: datetime, months: int = 12) -> dict:
    """Return how many of `enquiries` were submitted per topic in the last `months` calendar months."""
    starts = _month_starts(now, months)
    topic_counts = dict(
        enquiries.order_by()
        .filter(submitted_at__gte=starts[0])
        .values_list("topic")
        .annotate(n=Count("pk"))
        .values_list("topic", "n")
    )
    return {
        "labels": [label for _, label in ALL_TOPIC_CHOICES],
        "counts": [topic_counts.get(value, 0) for value, _ in ALL_TOPIC_CHOICES],
    }


def support_overview(*, now: datetime | None = None, months: int = 12, visible_to: User | None = None) -> dict:
    """Return every figure of the support overview page at `now`, each from the same enquiries.

    With `visible_to` (a staff user) the figures count only the enquiries that
    user may see (see `enquiries_visible_to_staff`); every figure is built from
    that one queryset, so nothing hidden from them is counted in any chart.
    Without it, every enquiry counts (for tests and the shell).
    """
    now = now or timezone.now()
    if visible_to is not None:
        enquiries = enquiry_list_for_staff(user=visible_to, now=now)
    else:
        enquiries = enquiry_list_for_triage(now=now)
    return {
        "by_state": support_overview_by_state(enquiries=enquiries),
        "per_officer": support_overview_per_officer(enquiries=enquiries),
        "compliance": support_overview_compliance(enquiries=enquiries, now=now, months=months),
        "per_topic": support_overview_per_topic(enquiries=enquiries, now=now, months=months),
    }
