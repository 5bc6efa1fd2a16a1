"""Which open enquiries are due an SLA reminder that has not been claimed yet.

Both queries look only at enquiries still waiting for first contact
(status received or assigned). Due soon: those whose due moment falls in the
next day, via the due-time index, skipping those already reminded with an
anti-join on the reminder's unique (enquiry, kind) index. Breached: those in
the partial index of enquiries owed a breach reminder (`breach_reminded` is
set when it is claimed), since overdue enquiries without first contact are
not bounded by a window. Closed, contacted, on-hold and already reminded
enquiries are never read, so a sweep's cost follows the enquiries that need
a message, and a sweep with nothing due reads nothing.

The due-soon list also says, per enquiry, whether its assigned officer may
still see it (`officer_may_see`, the visibility rule read in the same
query), so choosing each reminder's recipient costs no query per reminder.
"""

from datetime import datetime

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, QuerySet

from ..models import AWAITING_FIRST_CONTACT, Enquiry, Reminder
from ..sla import SlaState, sla_state_q
from .visibility import visible_to_assigned_officer

__all__ = ["enquiries_breached_unreminded", "enquiries_due_soon_unreminded"]


def enquiries_due_soon_unreminded(*, now: datetime) -> QuerySet[Enquiry]:
    """Return enquiries inside their due-soon window at `now` with no due-soon reminder yet.

    Urgent: 12 hours or less left; standard: 24 hours or less. An enquiry
    already past due gets the breach reminder instead. Each carries
    `officer_may_see`: whether its assigned officer may see it.
    """
    return (
        Enquiry.objects.filter(status__in=AWAITING_FIRST_CONTACT, first_contact_at__isnull=True)
        .filter(~Exists(Reminder.objects.filter(enquiry=OuterRef("pk"), kind=Reminder.Kind.DUE_SOON)))
        .filter(sla_state_q(SlaState.DUE_SOON, now=now))
        .select_related("practice", "assigned_to", "service")
        .order_by("first_contact_due_at", "pk")
        .annotate(officer_may_see=ExpressionWrapper(visible_to_assigned_officer(), output_field=BooleanField()))
    )


def enquiries_breached_unreminded(*, now: datetime) -> QuerySet[Enquiry]:
    """Return enquiries past their due moment at `now`, still without first contact or a breach reminder.

    Read through the partial index of enquiries owed a breach reminder
    (`Enquiry.breach_reminded`, set when the reminder is claimed), not by
    looking for the reminder: overdue enquiries that never get a first
    contact pile up for years, and a sweep must not read them all, each
    time, to find none.
    """
    return (
        Enquiry.objects.filter(status__in=AWAITING_FIRST_CONTACT, first_contact_at__isnull=True, breach_reminded=False)
        .filter(sla_state_q(SlaState.BREACHED, now=now))
        .select_related("practice", "assigned_to", "service")
        .order_by("first_contact_due_at", "pk")
    )
