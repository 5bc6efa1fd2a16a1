"""Data protection rules: the access log, restricted enquiries and retention.

Every staff access to an enquiry's content is recorded in `EnquiryAccess`;
the log is insert-only. Restricting an enquiry limits it to named officers.
Closed enquiries past their retention period lose their text and names but
keep what the LMC's statistics need.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Case, Exists, OuterRef, Value, When
from django.http import HttpRequest
from django.utils import timezone

from members.client_ip import client_ip
from members.models import User

from ..history import save_with_history
from ..models import TOPIC_LABELS, AccessAction, Enquiry, EnquiryAccess
from ..retention import add_years
from ..selectors.data_protection import (
    enquiries_past_retention,
    enquiry_retention_years,
    restriction_officer_choices,
    retention_years_by_service,
    retention_years_by_topic,
)
from ..selectors.visibility import enquiry_is_visible_to_staff, officer_is_conflicted_with

__all__ = [
    "REMOVED_TEXT",
    "ANONYMISE_HOOKS",
    "AnonymisationCandidate",
    "enquiry_access_record",
    "enquiry_restrict",
    "enquiry_unrestrict",
    "enquiry_restriction_flag_refresh",
    "enquiries_anonymise_due",
    "enquiry_anonymise",
    "enquiry_subject_access_record",
]

logger = logging.getLogger(__name__)

REMOVED_TEXT = "[removed under retention policy]"

# Callables run inside the anonymising transaction, each given the enquiry,
# to remove personal text that other parts of the portal keep about it.
ANONYMISE_HOOKS: list[Callable[[Enquiry], None]] = []

# Models in the enquiries app that hold staff-written text about an enquiry;
# their rows (and their history) are deleted when the enquiry is anonymised.
STAFF_TEXT_MODELS = ["StaffNote", "HistoricalStaffNote"]


def _enquiry_ids(enquiries: Iterable[Enquiry | int] | models.QuerySet) -> list[int]:
    if isinstance(enquiries, models.QuerySet):
        return list(enquiries.order_by().values_list("pk", flat=True))
    return [e if isinstance(e, int) else e.pk for e in enquiries]


def enquiry_access_record(
    *,
    user: User | None,
    enquiries: Iterable[Enquiry | int] | models.QuerySet,
    action: AccessAction | str,
    request: HttpRequest | None = None,
    note: str = "",
) -> int:
    """Record that `user` (None for the system) did `action` to each enquiry; return the rows written.

    One bulk insert however many enquiries, so logging a large export costs one query.
    """
    ids = _enquiry_ids(enquiries)
    if not ids:
        return 0
    at = timezone.now()
    ip = client_ip(request)
    rows = [
        EnquiryAccess(enquiry_id=pk, user=user, action=action, at=at, ip_address=ip, note=note[:300]) for pk in ids
    ]
    EnquiryAccess.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _names(users: Iterable[User]) -> str:
    return ", ".join(sorted(str(u) for u in users))


def _check_may_restrict(*, enquiry: Enquiry, by: User) -> None:
    if not by.has_perm("enquiries.restrict_enquiry"):
        raise PermissionDenied("Only a triage lead can restrict or open up an enquiry.")
    if not enquiry_is_visible_to_staff(user=by, enquiry=enquiry):
        raise PermissionDenied("This enquiry is restricted to other officers.")


@transaction.atomic
def enquiry_restrict(
    *, enquiry: Enquiry, officers: Iterable[User], by: User, request: HttpRequest | None = None
) -> Enquiry:
    """Limit `enquiry` to the named officers (and `by`, who is always named).

    Raise ValidationError if no one else is named, someone named is not an
    active officer, or the assigned officer would lose access.
    """
    _check_may_restrict(enquiry=enquiry, by=by)
    named = {officer.pk: officer for officer in officers}
    named[by.pk] = by
    allowed = set(restriction_officer_choices().filter(pk__in=named).values_list("pk", flat=True))
    not_allowed = [u for pk, u in named.items() if pk not in allowed]
    if not_allowed:
        raise ValidationError(
            {"officers": f"Only active LMC officers can be named. Remove: {_names(not_allowed)}."}
        )
    conflicted = [u for u in named.values() if u.pk != by.pk and officer_is_conflicted_with(officer=u, enquiry=enquiry)]
    if conflicted:
        raise ValidationError(
            {"officers": f"A conflict of interest stops these officers seeing {enquiry.reference}: {_names(conflicted)}."}
        )
    if enquiry.assigned_to_id and enquiry.assigned_to_id not in named:
        raise ValidationError(
            {
                "officers": f"{enquiry.reference} is assigned to {enquiry.assigned_to}, who would no longer see it. "
                "Name them too, or reassign the enquiry first."
            }
        )
    enquiry.restricted_at = timezone.now()
    enquiry.restricted_by = by
    enquiry.is_restricted = True
    enquiry.full_clean()
    save_with_history(enquiry, by=by, reason="Restricted to named officers")
    enquiry.restricted_to.set(named.values())
    enquiry_access_record(
        user=by,
        enquiries=[enquiry],
        action=AccessAction.RESTRICTED,
        request=request,
        note=f"Restricted to: {_names(named.values())}",
    )
    return enquiry


@transaction.atomic
def enquiry_unrestrict(*, enquiry: Enquiry, by: User, request: HttpRequest | None = None) -> Enquiry:
    """Let every LMC officer see `enquiry` again."""
    _check_may_restrict(enquiry=enquiry, by=by)
    enquiry.restricted_at = None
    enquiry.restricted_by = None
    enquiry.is_restricted = False
    enquiry.full_clean()
    save_with_history(enquiry, by=by, reason="Restriction lifted")
    enquiry.restricted_to.clear()
    enquiry_access_record(user=by, enquiries=[enquiry], action=AccessAction.UNRESTRICTED, request=request)
    return enquiry


def enquiry_restriction_flag_refresh(*, enquiry_ids: Iterable[int]) -> None:
    """Set `is_restricted` on `enquiry_ids` from whether `restricted_to` names anyone.

    Called by the signals on the restriction's names (enquiries.signals), so
    the flag follows every way names come and go: the services above, a
    named officer's account being deleted, tests adding names directly.
    """
    ids = [pk for pk in enquiry_ids if pk is not None]
    if ids:
        names = Enquiry.restricted_to.through.objects.filter(enquiry_id=OuterRef("pk"))
        Enquiry.objects.filter(pk__in=ids).update(is_restricted=Exists(names))


@dataclass(frozen=True)
class AnonymisationCandidate:
    """A closed enquiry whose retention period has ended."""

    enquiry_id: int
    reference: str
    topic: str
    closed_at: datetime
    retention_years: int

    @property
    def due_at(self) -> datetime:
        return add_years(self.closed_at, self.retention_years)

    def describe(self) -> str:
        return (
            f"{self.reference} ({TOPIC_LABELS.get(self.topic, self.topic)}): closed {timezone.localtime(self.closed_at):%d %b %Y}, "
            f"kept {self.retention_years} years, due {timezone.localtime(self.due_at):%d %b %Y}"
        )


def enquiries_anonymise_due(*, now: datetime | None = None, dry_run: bool = False) -> list[AnonymisationCandidate]:
    """Anonymise every closed enquiry past its topic's retention period; return them.

    With `dry_run`, change nothing and return what would be anonymised. Each
    enquiry is done in its own transaction, so one failure does not undo the rest,
    and running twice (or two runs at once) anonymises each enquiry once.
    """
    now = now or timezone.now()
    years = retention_years_by_topic()
    by_service = retention_years_by_service()
    candidates = [
        AnonymisationCandidate(
            enquiry_id=pk,
            reference=reference,
            topic=topic,
            closed_at=closed_at,
            retention_years=enquiry_retention_years(
                service_id=service_id, topic=topic, by_topic=years, by_service=by_service
            ),
        )
        for pk, reference, topic, closed_at, service_id in enquiries_past_retention(now=now, years=years).values_list(
            "pk", "reference", "topic", "closed_at", "service_id"
        )
        if closed_at is not None  # past retention means closed; says so to the type checker
    ]
    if dry_run:
        return candidates
    done = [c for c in candidates if enquiry_anonymise(enquiry_id=c.enquiry_id, retention_years=c.retention_years)]
    logger.info("Retention: anonymised %d enquiries: %s", len(done), ", ".join(c.reference for c in done) or "none")
    return done


def _removed_unless_blank(field: str) -> Case:
    return Case(When(**{field: ""}, then=Value("")), default=Value(REMOVED_TEXT))


def _delete_staff_text(enquiry: Enquiry) -> None:
    for model_name in STAFF_TEXT_MODELS:
        try:
            model = apps.get_model("enquiries", model_name)
        except LookupError:
            continue
        links = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is Enquiry
        ]
        for attname in links:
            model._default_manager.filter(**{attname: enquiry.pk}).delete()


@transaction.atomic
def enquiry_anonymise(*, enquiry_id: int, retention_years: int | None = None) -> bool:
    """Remove the text, names and contact details of a closed enquiry, its history and staff notes.

    Keep the reference, practice, PCN, scope, topic, urgent flag, status, dates
    and SLA figures, so statistics stay correct. Return False if it was already
    anonymised (by a run that got there first).
    """
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry_id)
    if enquiry.anonymised_at is not None:
        return False
    submitter_id = enquiry.submitted_by_id
    enquiry.summary = REMOVED_TEXT
    enquiry.details = REMOVED_TEXT
    enquiry.urgent_reason = REMOVED_TEXT if enquiry.urgent_reason else ""
    enquiry.outcome = REMOVED_TEXT if enquiry.outcome else ""
    enquiry.plan = ""
    enquiry.contact_phone = ""
    enquiry.preferred_contact_times = ""
    enquiry.submitted_by = None
    enquiry.assigned_to = None
    enquiry.anonymised_at = timezone.now()
    enquiry.full_clean()
    save_with_history(enquiry, reason="Anonymised under the retention policy")

    # The history keeps every earlier version of the text: scrub it too.
    history = Enquiry.history.model.objects.filter(id=enquiry.pk)
    history.update(
        summary=REMOVED_TEXT,
        details=REMOVED_TEXT,
        urgent_reason=_removed_unless_blank("urgent_reason"),
        outcome=_removed_unless_blank("outcome"),
        plan="",
        contact_phone="",
        preferred_contact_times="",
        submitted_by=None,
        assigned_to=None,
    )
    if submitter_id is not None:
        history.filter(history_user_id=submitter_id).update(history_user=None)

    _delete_staff_text(enquiry)
    for hook in ANONYMISE_HOOKS:
        hook(enquiry)

    years = f"{retention_years} years after closing" if retention_years else "retention period ended"
    enquiry_access_record(user=None, enquiries=[enquiry], action=AccessAction.ANONYMISED, note=f"Retention: {years}")
    logger.info("Retention: anonymised enquiry %s (%s)", enquiry.reference, years)
    return True


def enquiry_subject_access_record(*, subject: User, produced_by: User, request: HttpRequest | None = None) -> int:
    """Log each enquiry `subject` submitted as seen by `produced_by` in a subject access export."""
    return enquiry_access_record(
        user=produced_by,
        enquiries=Enquiry.objects.filter(submitted_by=subject),
        action=AccessAction.SUBJECT_ACCESS,
        request=request,
        note=f"Subject access export for {subject}",
    )
