"""What a member is told about first contact: one home for the list, the detail page and the dashboard."""

from datetime import datetime

from . import sla
from .models import Enquiry


def sla_state_for(enquiry: Enquiry, *, now: datetime) -> sla.SlaState:
    return sla.sla_state(
        status=enquiry.status,
        urgent=enquiry.urgent,
        first_contact_due_at=enquiry.first_contact_due_at,
        first_contact_at=enquiry.first_contact_at,
        now=now,
    )


def promise_for(enquiry: Enquiry, *, now: datetime) -> str:
    """What we promise about first contact, in words; never a time that has already passed."""
    if enquiry.first_contact_at:
        return ""
    if enquiry.first_contact_due_at is None:
        return "On hold until PCN support resumes"
    if sla_state_for(enquiry, now=now) == sla.SlaState.BREACHED:
        return "Overdue: we're sorry, we have not contacted you yet"
    return sla.describe_due(enquiry.first_contact_due_at, now=now)
