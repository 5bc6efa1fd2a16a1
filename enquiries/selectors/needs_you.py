"""What needs staff now: the admin index's first panel, through the staff visibility selector."""

from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from members.models import User

from .. import sla
from ..models import Enquiry, EnquiryMessage, Status
from .visibility import enquiries_visible_to_staff

# A practice's message with no LMC message after it: the LMC owes a reply.
__all__ = ["MESSAGE_WAITING", "enquiry_needs_you_now_for_staff"]

MESSAGE_WAITING = Exists(
    EnquiryMessage.objects.filter(enquiry_id=OuterRef("pk"), from_lmc=False).filter(
        ~Exists(
            EnquiryMessage.objects.filter(
                enquiry_id=OuterRef(OuterRef("pk")), from_lmc=True, created_at__gt=OuterRef("created_at")
            )
        )
    )
)


def enquiry_needs_you_now_for_staff(*, user: User, now: datetime) -> dict[str, int]:
    """Count the open enquiries `user` may see that are breached, due today, unassigned or awaiting a reply.

    One query; conflicts of interest, restrictions and service groups apply (enquiries_visible_to_staff).
    """
    today = now.astimezone(sla.LONDON).date()
    end_of_today = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=sla.LONDON)
    open_enquiries = enquiries_visible_to_staff(user=user, queryset=Enquiry.objects.exclude(status=Status.CLOSED))
    return open_enquiries.annotate(message_waiting=MESSAGE_WAITING).aggregate(
        breached=Count("pk", filter=sla.sla_state_q(sla.SlaState.BREACHED, now=now)),
        due_today=Count(
            "pk", filter=Q(first_contact_at__isnull=True, first_contact_due_at__gte=now, first_contact_due_at__lt=end_of_today)
        ),
        unassigned=Count("pk", filter=Q(assigned_to__isnull=True)),
        messages_waiting=Count("pk", filter=Q(message_waiting=True)),
    )
