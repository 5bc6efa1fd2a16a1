"""What a member may read. The access rule lives here, once.

A member sees an enquiry of a practice they actively belong to when they sent
it, when it is shared with everyone at the practice, or when its sender named
them. A request to a service for a person (pastoral support) is seen by its
sender only, whatever its sharing says. Every member-facing read (lists, counts, the detail page, messages,
files, emails to members) goes through `enquiry_list_for_member` or
`enquiry_member_readers`, which apply that one rule.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from members.models import Membership, User
from members.selectors import practices_for_user

from .. import sla
from ..models import (
    OPEN_STATUSES,
    Audience,
    Enquiry,
    EnquiryDraft,
    EnquiryFile,
    EnquiryMessage,
    PcnSupportPause,
    Sharing,
    Status,
)

__all__ = [
    "TimelineEntry",
    "enquiry_draft_get_for_member",
    "enquiry_file_get_for_member",
    "enquiry_get_for_member",
    "enquiry_list_for_member",
    "enquiry_member_readers",
    "enquiry_messages_for_member",
    "enquiry_open_count_for_member",
    "enquiry_sharing_choices",
    "enquiry_sharing_history_for_sender",
    "enquiry_recent_duplicate",
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


def _may_see(user: User) -> Q:
    """The sharing part of the rule: sent by them, shared with the practice, or naming them."""
    named = Exists(Enquiry.shared_with.through.objects.filter(enquiry_id=OuterRef("pk"), user_id=user.pk))
    shared = Q(sharing=Sharing.PRACTICE) | (Q(sharing=Sharing.NAMED) & Q(named))
    return Q(submitted_by_id=user.pk) | (shared & ~Q(service__audience=Audience.PERSON))


def enquiry_list_for_member(*, user: User) -> QuerySet[Enquiry]:
    """Return the enquiries the user may see, newest first.

    Only enquiries of practices they actively belong to, and of those only the
    ones they sent, the ones shared with everyone at the practice, and the
    ones whose sender named them.
    """
    if not user.is_authenticated or not user.is_active:
        return Enquiry.objects.none()
    practice_ids = practices_for_user(user=user).values("pk")
    return (
        Enquiry.objects.filter(practice__in=practice_ids)
        .filter(_may_see(user))
        .select_related("practice", "submitted_by", "pcn", "service")
        .order_by("-submitted_at", "-pk")
    )


def enquiry_open_count_for_member(*, user: User) -> int:
    """Return how many open enquiries the user may see (the dashboard's count)."""
    return enquiry_list_for_member(user=user).filter(status__in=OPEN_STATUSES).count()


def enquiry_member_readers(*, enquiry: Enquiry) -> list[User]:
    """Return the members who may see `enquiry`, by the same rule as `enquiry_list_for_member`.

    For emails to the practice's side: nobody else is ever sent one.
    """
    candidates = User.objects.filter(
        Exists(Membership.objects.filter(user_id=OuterRef("pk"), practice_id=enquiry.practice_id, is_active=True)),
        is_active=True,
    ).order_by("pk")
    return [user for user in candidates if enquiry_list_for_member(user=user).filter(pk=enquiry.pk).exists()]


def enquiry_sharing_choices(*, practice_id: int, sender: User) -> QuerySet[User]:
    """Return the colleagues a sender may name: active members of the practice, not the sender."""
    return (
        User.objects.filter(
            Exists(Membership.objects.filter(user_id=OuterRef("pk"), practice_id=practice_id, is_active=True)),
            is_active=True,
        )
        .exclude(pk=sender.pk)
        .order_by("first_name", "last_name", "email")
    )


SHARING_CHANGE_PREFIX = "Who can see it: "


def enquiry_sharing_history_for_sender(*, enquiry: Enquiry) -> list[TimelineEntry]:
    """Return the changes to who may see `enquiry`, oldest first, for its sender's page."""
    entries = []
    for reason, at in (
        enquiry.history.filter(history_change_reason__startswith=SHARING_CHANGE_PREFIX)
        .order_by("history_date", "history_id")
        .values_list("history_change_reason", "history_date")
    ):
        words = reason.removeprefix(SHARING_CHANGE_PREFIX)
        entries.append(TimelineEntry(status=enquiry.status, words=words[:1].upper() + words[1:], at=at))
    return entries


def enquiry_messages_for_member(*, enquiry: Enquiry) -> QuerySet[EnquiryMessage]:
    """Return an enquiry's conversation, oldest first, with files (the caller got `enquiry` through the rule)."""
    return enquiry.messages.select_related("author").prefetch_related("files").order_by("created_at", "pk")


def enquiry_file_get_for_member(*, user: User, reference: str, file_id: int) -> EnquiryFile | None:
    """Return a document on an enquiry the user may see, or None."""
    return (
        EnquiryFile.objects.filter(
            pk=file_id,
            message__enquiry__in=enquiry_list_for_member(user=user).filter(reference=reference).values("pk"),
        )
        .select_related("message__enquiry")
        .first()
    )


def enquiry_draft_get_for_member(*, user: User) -> EnquiryDraft | None:
    """Return the user's own unsent draft of the Request support form, or None."""
    if not user.is_authenticated:
        return None
    return EnquiryDraft.objects.filter(author=user).first()


def enquiry_recent_duplicate(*, user: User, summary: str, details: str, since: datetime) -> Enquiry | None:
    """Return the user's own enquiry sent since `since` with this summary or these details, or None.

    The same summary and details is a resend; one of them the same is an
    edited resend (Back, change a sentence, Send again), which a browser that
    fetched the form afresh sends with a new form token.
    """
    return (
        Enquiry.objects.filter(submitted_by=user, submitted_at__gte=since, anonymised_at__isnull=True)
        .filter(Q(summary=summary) | Q(details=details))
        .order_by("-submitted_at", "-pk")
        .first()
    )


def enquiry_get_for_member(*, user: User, reference: str) -> Enquiry | None:
    """Return the enquiry with this reference if the user may see it, or None (whoever's it is)."""
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


def enquiry_open_list_for_member_dashboard(*, user: User, limit: int = 5) -> QuerySet[Enquiry]:
    """Return the open enquiries `user` may see, most urgent first, each annotated with
    `lmc_reply_waiting`: the LMC wrote after the practice's last message (one query)."""
    last_from_practice = (
        EnquiryMessage.objects.filter(enquiry_id=OuterRef(OuterRef("pk")), from_lmc=False)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    reply_after = EnquiryMessage.objects.filter(enquiry_id=OuterRef("pk"), from_lmc=True).filter(
        Q(created_at__gt=Subquery(last_from_practice)) | ~Exists(
            EnquiryMessage.objects.filter(enquiry_id=OuterRef(OuterRef("pk")), from_lmc=False)
        )
    )
    return (
        enquiry_list_for_member(user=user)
        .filter(status__in=OPEN_STATUSES)
        .annotate(lmc_reply_waiting=Exists(reply_after))
        .order_by(F("first_contact_due_at").asc(nulls_last=True), "-submitted_at")[:limit]
    )
