"""Staff-side enquiry queries: the triage dashboard and the support overview.

The SLA state is computed in the database (Case/When against a given
moment), so filtering and ordering by it cost one query whatever the rows.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..models import TRIAGE_RANK, Enquiry, Status, Topic
from ..sla import SLA_STATE_LABELS, SlaState, sla_state_annotation
from .data_protection import enquiries_visible_to_staff

__all__ = [
    "enquiry_list_for_triage",
    "support_overview",
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


def _month_starts(now: datetime, months: int) -> list[datetime]:
    """Return the first moments (Europe/London) of the last `months` calendar months, oldest first."""
    local = timezone.localtime(now)
    year, month = local.year, local.month
    starts = []
    for _ in range(months):
        starts.append(local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(starts))


def support_overview(*, now: datetime | None = None, months: int = 12, visible_to=None) -> dict:
    """Return the figures for the support overview page at `now`.

    - `by_state`: open enquiries per SLA state (label, count), every state listed;
    - `per_officer`: open enquiries per officer (name, open, breached), unassigned last;
    - `compliance`: per month of the due date, the share of first contacts made on
      time (met / met + missed + breached), urgent and standard separately;
    - `per_topic`: enquiries submitted in those months per topic.

    With `visible_to` (a staff user), count only the enquiries they may see:
    restricted ones stay out of every figure for staff not named on them.
    """
    now = now or timezone.now()
    tz = ZoneInfo(timezone.get_current_timezone_name())
    triage = enquiry_list_for_triage(now=now).order_by()
    if visible_to is not None:
        triage = enquiries_visible_to_staff(user=visible_to, queryset=triage)
    open_enquiries = triage.exclude(status=Status.CLOSED)

    state_counts = dict(open_enquiries.values_list("sla_state").annotate(n=Count("pk")).values_list("sla_state", "n"))
    by_state = [
        {"state": state.value, "label": SLA_STATE_LABELS[state], "count": state_counts.get(state.value, 0)}
        for state in SlaState
    ]

    officers = (
        open_enquiries.values("assigned_to", "assigned_to__first_name", "assigned_to__last_name", "assigned_to__email")
        .annotate(open=Count("pk"), breached=Count("pk", filter=Q(sla_state=SlaState.BREACHED.value)))
        .order_by(F("assigned_to__last_name").asc(nulls_last=True), "assigned_to__first_name")
    )
    per_officer = [
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

    starts = _month_starts(now, months)
    counted = Q(sla_state__in=[SlaState.MET.value, SlaState.MISSED.value, SlaState.BREACHED.value])
    rows = (
        triage.filter(counted, first_contact_due_at__gte=starts[0], first_contact_due_at__lte=now)
        .annotate(month=TruncMonth("first_contact_due_at", tzinfo=tz))
        .values("month", "urgent")
        .annotate(total=Count("pk"), met=Count("pk", filter=Q(sla_state=SlaState.MET.value)))
    )
    figures = {(timezone.localtime(r["month"], tz).date(), r["urgent"]): r for r in rows}

    def percent(month: datetime, urgent: bool) -> float | None:
        row = figures.get((month.date(), urgent))
        return round(100 * row["met"] / row["total"], 1) if row else None

    compliance = {
        "labels": [f"{m:%b %Y}" for m in starts],
        "urgent": [percent(m, True) for m in starts],
        "standard": [percent(m, False) for m in starts],
        "counts_urgent": [figures.get((m.date(), True), {}).get("total", 0) for m in starts],
        "counts_standard": [figures.get((m.date(), False), {}).get("total", 0) for m in starts],
    }

    topic_counts = dict(
        Enquiry.objects.filter(submitted_at__gte=starts[0])
        .values_list("topic")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("topic", "n")
    )
    per_topic = {
        "labels": [label for _, label in Topic.choices],
        "counts": [topic_counts.get(value, 0) for value, _ in Topic.choices],
    }
    return {"by_state": by_state, "per_officer": per_officer, "compliance": compliance, "per_topic": per_topic}
