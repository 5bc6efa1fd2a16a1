"""Which enquiries a member of LMC staff may see: the one rule every staff read goes through.

An enquiry is visible to a staff user only when all three allow it:

1. its support service's staff group: a service with a group (Pastoral and
   professional support: "Pastoral support") is seen only by that group's
   members; a service without one by every member of staff who works
   enquiries;
2. its restriction (when officers are named on it, only they see it; the
   denormalised `Enquiry.is_restricted` says whether anyone is named, so the
   names are looked up only for restricted enquiries);
3. conflicts of interest: nobody sees an enquiry of a practice they are
   conflicted with, automatically through their own active membership there,
   or by a declared conflict with the practice or with its PCN (the PCN the
   practice is in when the rule is read, and the PCN a PCN enquiry is about).

Superusers get no exception: they are an IT role, and a rule the system
administrator can step over protects nobody. The break-glass path is the
documented shell command, which leaves a trace in the shell's own logs.

Built from `Exists` subqueries, not joins, so counts and aggregates over the
result stay correct and the rule can be nested (the "no unconflicted officer
left" count asks it of every officer for every enquiry in one query).
"""

from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast

from members.models import Membership, Practice, User
from members.permissions import OFFICERS, TRIAGE_LEAD

from ..models import OPEN_STATUSES, ConflictOfInterest, Enquiry, SupportService

__all__ = [
    "enquiries_visible_to_staff",
    "enquiries_hidden_from_staff",
    "support_services_visible_to_staff",
    "enquiry_is_visible_to_staff",
    "visible_to_assigned_officer",
    "officer_is_conflicted_with",
    "enquiries_conflicted_for",
    "officers_without_conflict",
    "enquiries_without_unconflicted_officer",
    "unconflicted_officer_exists",
]

_Restriction = Enquiry.restricted_to.through


def _conflict(*, user_id: Any, practice_id: Any, enquiry_pcn_id: Any = None) -> Q:
    """Return a filter true when `user_id` is conflicted with an enquiry of `practice_id` (about `enquiry_pcn_id`).

    Each argument is a value or an outer reference, so the same rule serves a
    query over enquiries (user fixed), over officers (enquiry fixed) and both.
    """
    membership = Membership.objects.filter(user_id=user_id, practice_id=practice_id, is_active=True)
    declared = Q(practice_id=practice_id) | Q(pcn__practices__id=practice_id)
    if enquiry_pcn_id is not None:
        # A literal None would mean "pcn IS NULL" to the ORM: only compare a real PCN.
        declared |= Q(pcn_id=enquiry_pcn_id)
    conflicts = ConflictOfInterest.objects.filter(declared, officer_id=user_id, withdrawn_at__isnull=True)
    return Q(Exists(membership)) | Q(Exists(conflicts))


def _service_group_q(*, user_id: Any, service_id: Any) -> Q:
    """A filter true when `user_id` may see the requests of service `service_id` (values or outer references)."""
    allowed = SupportService.objects.filter(pk=service_id).filter(
        Q(staff_group__isnull=True) | Q(staff_group__user=user_id)
    )
    return Q(Exists(allowed))


def _restriction_allows(user_id: Any) -> Q:
    # `is_restricted` says whether anyone is named (kept in step by signals on the
    # names), so the names are looked up only for the few restricted enquiries.
    named = Exists(_Restriction.objects.filter(enquiry_id=OuterRef("pk"), user_id=user_id))
    return Q(is_restricted=False) | Q(named)


def _conflict_allows(user_id: Any) -> Q:
    return ~_conflict(user_id=user_id, practice_id=OuterRef("practice_id"), enquiry_pcn_id=OuterRef("pcn_id"))


def enquiries_visible_to_staff(*, user: User, queryset: QuerySet[Enquiry] | None = None) -> QuerySet[Enquiry]:
    """Return the enquiries (of `queryset`, default all) that staff user `user` may see.

    The service's group, the restriction and conflicts of interest, all three
    (see the module's docstring). Inactive or non-staff users see nothing.
    """
    queryset = Enquiry.objects.all() if queryset is None else queryset
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return queryset.none()
    return queryset.filter(*_staff_filters(user.pk))


@lru_cache(maxsize=1024)
def _staff_filters(user_id: int) -> tuple[Q, Q, Q]:
    """Return the three filters of the rule for staff user `user_id`: the service's group, the restriction, conflicts.

    Built once per user id and shared: they are a pure function of the id
    (no rows are read here; each query reads them afresh), and the ORM
    copies an expression before resolving it into a query. Building their
    subqueries was half a millisecond of every staff list.
    """
    return (
        _service_group_q(user_id=user_id, service_id=OuterRef("service_id")),
        _restriction_allows(user_id),
        _conflict_allows(user_id),
    )


def support_services_visible_to_staff(*, user: User) -> QuerySet[SupportService]:
    """Return the support services whose enquiries staff user `user` may see, by the services' staff groups.

    Restriction and conflicts still hide some of those enquiries: see
    `enquiries_hidden_from_staff`. Inactive or non-staff users see none.
    """
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return SupportService.objects.none()
    return SupportService.objects.filter(_service_group_q(user_id=user.pk, service_id=OuterRef("pk")))


def enquiries_hidden_from_staff(*, user: User, queryset: QuerySet[Enquiry]) -> QuerySet[Enquiry]:
    """Return the enquiries of `queryset` that a restriction or a conflict of interest hides from staff user `user`.

    The complement of `enquiries_visible_to_staff` within the services the
    user's groups may see (pass a `queryset` limited to
    `support_services_visible_to_staff`): so the enquiries a viewer may see
    are counted as all of them less these. Read through indexes, not the
    whole table: the restricted enquiries (the `is_restricted` partial index)
    and those of the practices and PCNs the user is tied to (the practice
    and PCN indexes), which are a few hundred at most; the rule itself (the
    same expressions as `enquiries_visible_to_staff`) then decides which of
    those are hidden. Inactive or non-staff users see nothing, so every
    enquiry is hidden from them.
    """
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return queryset
    practices, pcns = _conflict_scope(user.pk)
    candidates = Q(is_restricted=True)
    if practices:
        candidates |= Q(practice_id__in=practices)
    if pcns:
        candidates |= Q(pcn_id__in=pcns)
    return queryset.filter(candidates).exclude(_restriction_allows(user.pk) & _conflict_allows(user.pk))


def _conflict_scope(user_id: Any) -> tuple[list[int], list[int]]:
    """Return the practices and the PCNs whose enquiries a conflict of `user_id` may hide, in one query.

    A superset of what `_conflict` matches (active or not, the rule decides):
    the practices where they hold a membership or declared a conflict, the
    practices now in a PCN they declared, and that PCN itself (a PCN
    enquiry carries its PCN).
    """
    declared = ConflictOfInterest.objects.filter(officer_id=user_id, withdrawn_at__isnull=True)
    no_pcn = Cast(Value(None), IntegerField())
    # (No ORDER BY inside a UNION: SQLite refuses it, and the models have a default order.)
    rows = (
        Membership.objects.filter(user_id=user_id)
        .order_by()
        .annotate(no_pcn=no_pcn)
        .values_list("practice_id", "no_pcn")
        .union(
            declared.order_by().values_list("practice_id", "pcn_id"),
            Practice.objects.filter(pcn__in=declared.values("pcn_id"))
            .order_by()
            .annotate(no_pcn=no_pcn)
            .values_list("pk", "no_pcn"),
        )
    )
    practices, pcns = set(), set()
    for practice_id, pcn_id in rows:
        if practice_id is not None:
            practices.add(practice_id)
        if pcn_id is not None:
            pcns.add(pcn_id)
    return sorted(practices), sorted(pcns)


def enquiry_is_visible_to_staff(*, user: User, enquiry: Enquiry) -> bool:
    return enquiries_visible_to_staff(user=user, queryset=Enquiry.objects.filter(pk=enquiry.pk)).exists()


def visible_to_assigned_officer() -> Q:
    """Return a filter over enquiries: whether each one's assigned officer may see it.

    The same rule as `enquiries_visible_to_staff` (active staff, the
    service's group, the restriction, conflicts of interest), with the
    officer read from each row, so a list of enquiries learns it for all
    their officers in the one query (the reminder sweep). False when nobody
    is assigned. Subqueries only, so the enquiries' own joins are untouched.
    """
    officer = OuterRef("assigned_to_id")
    active_staff = Exists(User.objects.filter(pk=officer, is_active=True, is_staff=True))
    return (
        Q(active_staff)
        & _service_group_q(user_id=officer, service_id=OuterRef("service_id"))
        & _restriction_allows(officer)
        & _conflict_allows(officer)
    )


def enquiries_conflicted_for(*, officer: User, queryset: QuerySet[Enquiry] | None = None) -> QuerySet[Enquiry]:
    """Return the enquiries (of `queryset`) that a conflict of interest hides from `officer`."""
    queryset = Enquiry.objects.all() if queryset is None else queryset
    return queryset.filter(~_conflict_allows(officer.pk))


def _officers_conflicted_with(enquiry: Enquiry) -> Q:
    """A filter over users: those conflicted with `enquiry`."""
    return _conflict(user_id=OuterRef("pk"), practice_id=enquiry.practice_id, enquiry_pcn_id=enquiry.pcn_id)


def officer_is_conflicted_with(*, officer: User, enquiry: Enquiry) -> bool:
    """Return whether `officer` has a conflict of interest (automatic or declared) with `enquiry`'s practice."""
    return User.objects.filter(_officers_conflicted_with(enquiry), pk=officer.pk).exists()


def officers_without_conflict(*, enquiries: Iterable[Enquiry]) -> QuerySet[User]:
    """Return the active officers and triage leads conflicted with none of `enquiries` and in their services' groups (the assign list)."""
    officers = User.objects.filter(is_active=True, is_staff=True, groups__name__in=[OFFICERS, TRIAGE_LEAD])
    for enquiry in enquiries:
        officers = officers.exclude(_officers_conflicted_with(enquiry)).filter(
            _service_group_q(user_id=OuterRef("pk"), service_id=enquiry.service_id)
        )
    return officers.distinct().order_by("first_name", "last_name", "email")


@cache
def unconflicted_officer_exists() -> Exists:
    """Return an expression over enquiries: whether some active LMC officer may still work it.

    An active member of the LMC officers group (who work enquiries; a triage
    lead who is also an officer counts) who is in the service's staff group,
    is not conflicted with the practice and, if the enquiry is restricted, is
    named on it. When there is
    none, only a triage lead outside the officers group or an administrator
    can still see the enquiry, and they are the ones to arrange cover.

    Built once and shared (it names no user and no moment, and the ORM copies
    an expression before resolving it into a query): building its five
    subqueries was a millisecond of every triage page.
    """
    practice, pcn = OuterRef(OuterRef("practice_id")), OuterRef(OuterRef("pcn_id"))
    restricted = Exists(_Restriction.objects.filter(enquiry_id=OuterRef(OuterRef("pk"))))
    named = Exists(_Restriction.objects.filter(enquiry_id=OuterRef(OuterRef("pk")), user_id=OuterRef("pk")))
    return Exists(
        User.objects.filter(
            ~_conflict(user_id=OuterRef("pk"), practice_id=practice, enquiry_pcn_id=pcn),
            _service_group_q(user_id=OuterRef("pk"), service_id=OuterRef(OuterRef("service_id"))),
            ~Q(restricted) | Q(named),
            is_active=True,
            is_staff=True,
            groups__name=OFFICERS,
        )
    )


def enquiries_without_unconflicted_officer(*, queryset: QuerySet[Enquiry] | None = None) -> QuerySet[Enquiry]:
    """Return the open enquiries (of `queryset`) that no active LMC officer may work.

    Every active officer is conflicted with the practice, or the enquiry is
    restricted to officers who all are (see `unconflicted_officer_exists`).
    """
    queryset = Enquiry.objects.all() if queryset is None else queryset
    return queryset.filter(~unconflicted_officer_exists(), status__in=OPEN_STATUSES)
