"""Read side of data protection: restrictions, and what is past retention.

Who may see an enquiry is `enquiries.selectors.visibility`."""

from collections.abc import Iterable
from datetime import datetime
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from members.groups import OFFICERS, TRIAGE_LEAD
from members.models import User

from ..models import Enquiry, RetentionPolicy, Status, SupportService, Topic
from ..retention import add_years
from .visibility import enquiries_visible_to_staff

__all__ = [
    "restricted_enquiries_orphaned_by",
    "enquiry_subject_access_refusal",
    "restriction_officer_choices",
    "retention_years_by_topic",
    "retention_years_by_service",
    "enquiry_retention_years",
    "enquiries_past_retention",
]

_Restriction = Enquiry.restricted_to.through


def restricted_enquiries_orphaned_by(*, leaving: Iterable[User]) -> QuerySet[Enquiry]:
    """Return restricted enquiries that no active officer could see once `leaving` are deactivated."""
    leaving_ids = [user.pk for user in leaving]
    names_leaver = Exists(_Restriction.objects.filter(enquiry_id=OuterRef("pk"), user_id__in=leaving_ids))
    names_someone_staying = Exists(
        _Restriction.objects.filter(enquiry_id=OuterRef("pk"), user__is_active=True).exclude(user_id__in=leaving_ids)
    )
    return Enquiry.objects.filter(names_leaver, ~names_someone_staying).order_by("reference")


def enquiry_subject_access_refusal(*, subject: User, staff: User) -> str:
    """Return why `staff` may not produce `subject`'s subject access export ("" when they may).

    Its enquiries section would show restricted enquiries `staff` is not named on.
    """
    submitted = Enquiry.objects.filter(submitted_by=subject)
    hidden = submitted.count() - enquiries_visible_to_staff(user=staff, queryset=submitted).count()
    if not hidden:
        return ""
    return (
        f"{subject} submitted {hidden} restricted enquiry(ies) you are not named on. "
        "Ask an officer named on them to produce this export."
    )


def restriction_officer_choices() -> QuerySet[User]:
    """Return the staff who can be named on a restricted enquiry: active officers and triage leads."""
    return (
        User.objects.filter(is_active=True, is_staff=True, groups__name__in=[OFFICERS, TRIAGE_LEAD])
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def retention_years_by_topic() -> dict[str, int]:
    """Return, for every topic, the whole years after closing that an enquiry keeps its text."""
    years = {topic.value: settings.LMC_RETENTION_YEARS_DEFAULT for topic in Topic}
    years.update(RetentionPolicy.objects.values_list("topic", "years_after_closing"))
    return years


# The service whose retention is set per topic (RetentionPolicy); every other
# service keeps its requests for its own `retention_years`.
TOPIC_RETENTION_SERVICE = "leadership"


def retention_years_by_service() -> dict[int, int]:
    """Return, for every service except Leadership, the whole years after closing its requests keep their text."""
    return dict(
        SupportService.objects.exclude(slug=TOPIC_RETENTION_SERVICE).values_list("pk", "retention_years")
    )


def enquiry_retention_years(
    *, service_id: int, topic: str, by_topic: dict[str, int], by_service: dict[int, int]
) -> int:
    """Return how many years after closing this enquiry keeps its text: its service's, or Leadership's topic policy."""
    if service_id in by_service:
        return by_service[service_id]
    return by_topic.get(topic, settings.LMC_RETENTION_YEARS_DEFAULT)


def enquiries_past_retention(*, now: datetime | None = None, years: dict[str, int] | None = None) -> QuerySet[Enquiry]:
    """Return closed, not yet anonymised enquiries whose retention period has ended by `now`.

    Leadership's requests by their topic's policy (`years`), every other
    service's by the service's own retention period.
    """
    now = now or timezone.now()
    years = years if years is not None else retention_years_by_topic()
    by_service = retention_years_by_service()
    past = reduce(
        or_,
        [
            *(
                Q(topic=topic, closed_at__lte=add_years(now, -n)) & ~Q(service_id__in=list(by_service))
                for topic, n in years.items()
            ),
            *(Q(service_id=pk, closed_at__lte=add_years(now, -n)) for pk, n in by_service.items()),
        ],
    )
    return (
        Enquiry.objects.filter(past, status=Status.CLOSED, anonymised_at__isnull=True)
        .select_related("practice")
        .order_by("closed_at", "pk")
    )
