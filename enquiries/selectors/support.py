"""Read side of support services and signposting: what members see before and after they write."""

from django.db.models import QuerySet

from ..models import Enquiry, EnquirySignpost, Signpost, SignpostCategory, SupportService, SupportSession

__all__ = [
    "support_service_list",
    "support_service_get_by_slug",
    "signpost_list",
    "signposts_by_topic",
    "enquiry_signposts_for_member",
    "enquiry_sessions_for_member",
]


def support_service_list() -> QuerySet[SupportService]:
    """Return the support services in the order of the support page."""
    return SupportService.objects.order_by("position", "name")


def support_service_get_by_slug(*, slug: str) -> SupportService | None:
    return SupportService.objects.filter(slug=slug).first()


def signpost_list(*, category: str = "") -> QuerySet[Signpost]:
    """Return the signposting directory, of one category when `category` is one (otherwise all)."""
    signposts = Signpost.objects.order_by("category", "name")
    if category in SignpostCategory.values:
        signposts = signposts.filter(category=category)
    return signposts


def signposts_by_topic(*, topics: list[str]) -> dict[str, list[Signpost]]:
    """Return, for each of `topics`, the signposts linked to it (shown beside the form).

    The directory is a few dozen rows: read once and grouped here, which also
    works on SQLite (no JSON containment lookups).
    """
    grouped: dict[str, list[Signpost]] = {topic: [] for topic in topics}
    for signpost in Signpost.objects.order_by("category", "name"):
        for topic in signpost.topics:
            if topic in grouped:
                grouped[topic].append(signpost)
    return grouped


def enquiry_signposts_for_member(*, enquiry: Enquiry) -> QuerySet[EnquirySignpost]:
    """Return where the LMC pointed the member, oldest first (the caller got `enquiry` through the member rule)."""
    return enquiry.signposts.select_related("signpost").order_by("recorded_at", "pk")


def enquiry_sessions_for_member(*, enquiry: Enquiry) -> QuerySet[SupportSession]:
    """Return the request's support sessions, by date (no staff names)."""
    return enquiry.support_sessions.order_by("held_on", "pk")
