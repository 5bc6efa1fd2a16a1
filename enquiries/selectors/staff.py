"""Staff-side enquiry queries: the triage dashboard (the support overview is in `overview`).

The SLA state is computed in the database (Case/When against a given
moment), so filtering and ordering by it cost one query whatever the rows.
"""

from datetime import datetime

from django.db.models import F, QuerySet
from django.utils import timezone

from members.models import User

from ..models import TRIAGE_RANK, Enquiry
from ..sla import sla_state_annotation
from .visibility import enquiries_visible_to_staff

__all__ = [
    "enquiry_list_for_triage",
    "enquiry_list_for_staff",
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
    history, steps and CSV export) starts here, so the service group, the
    restriction and conflicts of interest apply to all of them together (see
    `enquiries.selectors.visibility`; the support overview, which counts
    rather than lists, applies the same rule through its
    `enquiries_hidden_from_staff`).
    """
    return enquiries_visible_to_staff(user=user, queryset=enquiry_list_for_triage(now=now))
