"""What a member may read. The access rule lives here, once: a member sees the
enquiries of the practices they actively belong to, and nothing else."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from members.models import User
from members.selectors import practices_for_user

from .. import sla
from ..models import Enquiry, PcnSupportPause, Status

__all__ = [
    "TimelineEntry",
    "enquiry_get_for_member",
    "enquiry_list_for_member",
    "enquiry_timeline_for_member",
    "pcn_support_pause_current",
]

# What a member reads for each step: no staff names, no staff notes.
MEMBER_STATUS_WORDS = {
    Status.ON_HOLD: "Received and put on hold while PCN support is paused",
    Status.SUBMITTED: "Received by the LMC",
    Status.TRIAGED: "Passed to your LMC officer",
    Status.FIRST_CONTACT: "First confidential conversation arranged",
    Status.PLAN_AGREED: "Plan of support agreed with you",
    Status.FACILITATION: "Facilitation under way",
    Status.MEDIATION: "Mediation under way",
    Status.CLOSED: "Closed",
}


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    words: str
    at: datetime

    @property
    def when(self) -> str:
        """"Tuesday 24 November 2026 at 9:30am", in London time."""
        return sla.describe_moment(self.at)


def enquiry_list_for_member(*, user: User) -> QuerySet[Enquiry]:
    """Return the enquiries of every practice the user belongs to, newest first."""
    practice_ids = practices_for_user(user=user).values("pk")
    return (
        Enquiry.objects.filter(practice__in=practice_ids)
        .select_related("practice", "submitted_by")
        .order_by("-submitted_at", "-pk")
    )


def enquiry_get_for_member(*, user: User, reference: str) -> Enquiry | None:
    """Return the user's practice's enquiry with this reference, or None (another practice's is None too)."""
    return enquiry_list_for_member(user=user).filter(reference=reference).first()


def enquiry_timeline_for_member(*, enquiry: Enquiry) -> list[TimelineEntry]:
    """Return the enquiry's status changes, oldest first, in words a member may read.

    Built from the enquiry's history; only the status and its date are read, so
    staff notes, plans and officers' names never reach the member.
    """
    entries: list[TimelineEntry] = []
    previous = None
    for status, at in enquiry.history.order_by("history_date", "history_id").values_list("status", "history_date"):
        if status == previous:
            continue
        if previous == Status.ON_HOLD and status == Status.SUBMITTED:
            words = "PCN support resumed: the LMC's response time started"
        else:
            words = MEMBER_STATUS_WORDS.get(status, Status(status).label)
        entries.append(TimelineEntry(status=status, words=words, at=at))
        previous = status
    return entries


def pcn_support_pause_current() -> PcnSupportPause | None:
    """Return the active PCN support pause, or None when PCN support is running normally."""
    return PcnSupportPause.objects.filter(active=True).first()
