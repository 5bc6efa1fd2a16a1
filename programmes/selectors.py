"""Read-side queries. A member sees only sessions and cohorts open to their role,
and only their own bookings, enrolments, development plans and mentoring: never
anyone else's. Other members' interest in leadership is visible only as the
rule in `allies_for_member` allows."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.models import Area as NhsArea
from members.models import Membership, Practice, User
from members.selectors import memberships_for_user, practices_for_user

from .models import (
    AspiringGroup,
    Attendance,
    Booking,
    Cohort,
    CohortSession,
    Enrolment,
    Goal,
    HubEmailTemplate,
    HubOffer,
    LeadershipInterest,
    Mentoring,
    PeerReview,
    Programme,
    Session,
    TrainingHub,
    role_phrase,
)

_CONFIRMED = Q(bookings__status=Booking.Status.CONFIRMED)
_WAITLISTED = Q(bookings__status=Booking.Status.WAITLISTED)


def roles_for_user(*, user: User) -> set[str]:
    return set(memberships_for_user(user=user).values_list("role", flat=True))


def audiences_for_roles(roles: set[str]) -> list[str]:
    return [audience for audience, allowed in Session.AUDIENCE_ROLES.items() if roles & set(allowed)]


def user_may_book(*, user: User, session: Session) -> bool:
    """Return True if the user holds a role at one of their practices that the session is for."""
    return memberships_for_user(user=user).filter(role__in=session.allowed_roles).exists()


def with_counts(queryset: QuerySet[Session]) -> QuerySet[Session]:
    """Annotate booked (confirmed) and waitlisted counts and places left, in one query."""
    return queryset.annotate(
        booked_count=Count("bookings", filter=_CONFIRMED),
        waitlisted_count=Count("bookings", filter=_WAITLISTED),
    ).annotate(places_left=F("capacity") - F("booked_count"))


def sessions_for_member(*, user: User, now: datetime | None = None) -> QuerySet[Session]:
    """Return upcoming sessions open to the user's roles, with counts."""
    audiences = audiences_for_roles(roles_for_user(user=user))
    queryset = Session.objects.filter(starts_at__gt=now or timezone.now(), audience__in=audiences)
    return with_counts(queryset.select_related("area", "group")).order_by("starts_at", "pk")


def _position_subquery():
    earlier = Booking.objects.filter(
        session=OuterRef("session"), status=Booking.Status.WAITLISTED
    ).filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk")))
    return Subquery(
        earlier.order_by().values("session").annotate(n=Count("pk")).values("n"), output_field=IntegerField()
    )


def bookings_for_member(*, user: User) -> QuerySet[Booking]:
    """Return the user's own bookings (any status), with the session and waiting-list position."""
    return (
        Booking.objects.filter(user=user)
        .select_related("session", "session__area", "user")
        .annotate(position=Coalesce(_position_subquery(), Value(0)))
    )


def upcoming_bookings_for_member(*, user: User, now: datetime | None = None) -> QuerySet[Booking]:
    return bookings_for_member(user=user).filter(
        status__in=Booking.ACTIVE, session__ends_at__gt=now or timezone.now()
    ).order_by("session__starts_at", "pk")


def waitlist_position(*, booking: Booking) -> int:
    """Return the booking's place in its session's waiting list (1 is next), or 0 if not waiting."""
    if booking.status != Booking.Status.WAITLISTED:
        return 0
    return bookings_for_member(user=booking.user).get(pk=booking.pk).position  # type: ignore[attr-defined]  # annotated


def reviews_for_member(*, user: User) -> QuerySet[PeerReview]:
    """Return the peer reviews the user is in: as the manager or as their reviewer. Nobody else's."""
    if not user.is_authenticated:
        return PeerReview.objects.none()
    return PeerReview.objects.filter(Q(manager=user) | Q(reviewer=user)).select_related("manager", "reviewer")


def mentorings_for_member(*, user: User) -> QuerySet[Mentoring]:
    """Return the user's coaching and mentoring pairings, as mentee or mentor, with their sessions."""
    if not user.is_authenticated:
        return Mentoring.objects.none()
    return (
        Mentoring.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("mentee", "mentor")
        .prefetch_related("sessions")
    )


def groups_for_member(*, user: User, now: datetime | None = None) -> QuerySet[AspiringGroup]:
    """Return the aspiring-manager groups the user belongs to, with their next meetings."""
    from django.db.models import Prefetch

    upcoming = Session.objects.filter(starts_at__gt=now or timezone.now()).order_by("starts_at")
    return (
        AspiringGroup.objects.filter(members=user)
        .select_related("area")
        .prefetch_related(Prefetch("sessions", queryset=upcoming, to_attr="upcoming_meetings"))
    )


def bookings_due_reminder(*, now: datetime | None = None) -> QuerySet[Booking]:
    """Return confirmed, not yet reminded bookings for sessions starting before the end of tomorrow."""
    now = now or timezone.now()
    tomorrow_ends = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=2)
    return Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminded_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lt=tomorrow_ends,
    )


def sessions_for_staff() -> QuerySet[Session]:
    return with_counts(Session.objects.select_related("area", "group"))


# --- Cohorts ----------------------------------------------------------------------------

_ENROLLED = Q(enrolments__status=Enrolment.Status.CONFIRMED)
_ENROL_WAITING = Q(enrolments__status=Enrolment.Status.WAITLISTED)


def user_may_enrol(*, user: User, cohort: Cohort) -> bool:
    """Return True if the user holds a role at one of their practices that the cohort's programme is for."""
    return memberships_for_user(user=user).filter(role__in=cohort.allowed_roles).exists()


def cohorts_with_counts(queryset: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Annotate enrolled (confirmed), waiting, completed counts and places left, in one query."""
    return queryset.annotate(
        enrolled_count=Count("enrolments", filter=_ENROLLED, distinct=True),
        waitlisted_count=Count("enrolments", filter=_ENROL_WAITING, distinct=True),
        completed_count=Count("enrolments", filter=Q(enrolments__completed_at__isnull=False), distinct=True),
    ).annotate(places_left=F("capacity") - F("enrolled_count"))


def areas_for_member(*, user: User) -> list[NhsArea]:
    """Return the NHS areas of the user's practices, with the ICBs they are part of."""
    areas: dict[int, NhsArea] = {}
    for practice in practices_for_user(user=user).select_related("area", "area__icb"):
        if practice.area is not None:
            for area in practice.area.with_icb():
                areas[area.pk] = area
    return list(areas.values())


def cohorts_for_member(*, user: User, now: datetime | None = None) -> list[Cohort]:
    """Return cohorts in the user's areas, for their role, that are taking or about to take applications."""
    now = now or timezone.now()
    roles = roles_for_user(user=user)
    area_ids = [area.pk for area in areas_for_member(user=user)]
    queryset = (
        Cohort.objects.filter(area__nhs_area__in=area_ids, applications_close_at__gt=now)
        .select_related("programme", "area")
        .prefetch_related("sessions")
        .order_by("applications_close_at", "pk")
    )
    return [cohort for cohort in cohorts_with_counts(queryset) if roles & set(cohort.allowed_roles)]


def cohort_get_for_member(*, user: User, pk: int) -> Cohort | None:
    """Return the cohort if it runs in one of the user's areas and is for their role (whatever its dates), else None."""
    area_ids = [area.pk for area in areas_for_member(user=user)]
    cohort = Cohort.objects.select_related("programme", "area").filter(pk=pk, area__nhs_area__in=area_ids).first()
    if cohort is None or not roles_for_user(user=user) & set(cohort.allowed_roles):
        return None
    return cohort


def _enrolment_position_subquery():
    earlier = Enrolment.objects.filter(cohort=OuterRef("cohort"), status=Enrolment.Status.WAITLISTED).filter(
        Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk"))
    )
    return Subquery(earlier.order_by().values("cohort").annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def enrolments_for_member(*, user: User) -> QuerySet[Enrolment]:
    """Return the user's own enrolments (any status) with the cohort, its sessions and the waiting-list position."""
    return (
        Enrolment.objects.filter(user=user)
        .select_related("cohort", "cohort__programme", "cohort__area", "user")
        .prefetch_related("cohort__sessions")
        .annotate(
            position=Coalesce(_enrolment_position_subquery(), Value(0)),
            attended_count=Count("attendances", filter=Q(attendances__attended=True)),
        )
        .order_by("cohort__starts_on", "pk")
    )


def enrolment_waitlist_position(*, enrolment: Enrolment) -> int:
    """Return the enrolment's place in its cohort's waiting list (1 is next), or 0 if not waiting."""
    if enrolment.status != Enrolment.Status.WAITLISTED:
        return 0
    return enrolments_for_member(user=enrolment.user).get(pk=enrolment.pk).position  # type: ignore[attr-defined]  # annotated


def enrolments_due_reminder(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """Return (enrolment id, session id) for confirmed enrolments with a cohort session before the end of tomorrow."""
    now = now or timezone.now()
    tomorrow_ends = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=2)
    sessions = CohortSession.objects.filter(starts_at__gt=now, starts_at__lt=tomorrow_ends)
    return [
        (enrolment_id, session_id)
        for session_id, cohort_id, starts_at in sessions.values_list("pk", "cohort_id", "starts_at")
        for enrolment_id in Enrolment.objects.filter(cohort_id=cohort_id, status=Enrolment.Status.CONFIRMED)
        .filter(Q(reminded_until__isnull=True) | Q(reminded_until__lt=starts_at))
        .values_list("pk", flat=True)
    ]


def cohorts_for_staff() -> QuerySet[Cohort]:
    return cohorts_with_counts(Cohort.objects.select_related("programme", "area"))


def cohort_attendance_grid(*, cohort: Cohort) -> tuple[list[CohortSession], list[dict]]:
    """Return the cohort's sessions and, per enrolment (confirmed first, then waiting), its attendance per session."""
    sessions = list(cohort.sessions.all())
    marks = {
        (a.enrolment_id, a.session_id): a.attended
        for a in Attendance.objects.filter(session__cohort=cohort).only("enrolment_id", "session_id", "attended")
    }
    rows: list[dict[str, Any]] = []
    enrolments = (
        Enrolment.objects.filter(cohort=cohort, status__in=Enrolment.ACTIVE)
        .select_related("user")
        .order_by("-status", "created_at", "pk")  # "waitlisted" sorts after "confirmed" when reversed
    )
    for enrolment in enrolments:
        cells = [marks.get((enrolment.pk, session.pk)) for session in sessions]
        rows.append({"enrolment": enrolment, "cells": cells, "attended": sum(1 for cell in cells if cell)})
    rows.sort(key=lambda row: (row["enrolment"].status != Enrolment.Status.CONFIRMED, row["enrolment"].created_at))
    return sessions, rows


def co_facilitator_candidates(*, cohort: Cohort) -> QuerySet[User]:
    """Return people who could co-facilitate `cohort`: completers of the programme's earlier cohorts, and
    members in its area who registered an interest in co-facilitating or leading."""
    completed = Enrolment.objects.filter(
        cohort__programme_id=cohort.programme_id, completed_at__isnull=False
    ).exclude(cohort=cohort)
    interested = LeadershipInterest.objects.filter(Q(co_facilitate=True) | Q(lead=True))
    if cohort.area.nhs_area_id:
        interested = interested.filter(practice__area=cohort.area.nhs_area_id)
    else:
        interested = interested.none()
    return User.objects.filter(
        Q(pk__in=completed.values("user_id")) | Q(pk__in=interested.values("user_id")), is_active=True
    ).order_by("last_name", "first_name")


def completions_per_cohort() -> list[dict]:
    """Return, per cohort, enrolled (confirmed) and completed counts, oldest cohort first: the admin chart's figures."""
    figures = (
        cohorts_for_staff()
        .order_by("starts_on", "pk")
        .values("name", "enrolled_count", "completed_count")  # type: ignore[misc]  # both annotated
    )
    return [
        {"cohort": row["name"], "enrolled": row["enrolled_count"], "completed": row["completed_count"]}
        for row in figures
    ]


def programmes_for_member(*, user: User) -> list[Programme]:
    roles = roles_for_user(user=user)
    return [p for p in Programme.objects.all() if roles & set(p.audience_roles or [])]


# --- Training Hubs ------------------------------------------------------------------------


_OFFER_ORDER = Case(
    *[When(category=category, then=Value(n)) for n, category in enumerate(HubOffer.Category.values)],
    output_field=IntegerField(),
)


def training_hubs_for_member(*, user: User) -> list[TrainingHub]:
    """Return the Training Hubs serving the user's areas (Sub-ICB first, then ICB), with their offers."""
    areas = areas_for_member(user=user)
    if not areas:
        return []
    return list(
        TrainingHub.objects.filter(areas__in=[area.pk for area in areas])
        .distinct()
        .prefetch_related(Prefetch("offers", queryset=HubOffer.objects.order_by(_OFFER_ORDER, "title")), "areas")
        .order_by("name")
    )


@dataclass(frozen=True)
class HubEmail:
    subject: str
    body: str
    mailto: str


def hub_email_for_member(*, user: User, hub: TrainingHub) -> HubEmail | None:
    """Return the template email to `hub`, filled in for the user, with its `mailto:` link."""
    template = HubEmailTemplate.objects.order_by("pk").first()
    if template is None:
        return None
    membership = memberships_for_user(user=user).filter(practice__area__in=hub.areas.all()).first()
    membership = membership or memberships_for_user(user=user).first()
    values = {
        "{hub}": hub.name,
        "{name}": user.get_full_name() or user.email,
        "{role}": role_phrase(membership.get_role_display()) if membership else "GP",
        "{practice}": membership.practice.name if membership else "",
    }

    def fill(text: str) -> str:
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        return text

    subject, body = fill(template.subject), fill(template.body).replace("\r\n", "\n")
    mailto = f"mailto:{hub.email}?subject={quote(subject)}&body={quote(body)}"
    return HubEmail(subject=subject, body=body, mailto=mailto)


# --- Leadership interests: who may see whom ---------------------------------------------------


def practices_for_interest(*, user: User) -> QuerySet[Practice]:
    """Return the practices a user may register an interest for: their own."""
    return practices_for_user(user=user).select_related("area")


def interest_for_member(*, user: User) -> LeadershipInterest | None:
    if not user.is_authenticated:
        return None
    return LeadershipInterest.objects.select_related("practice", "practice__area").filter(user=user).first()


@dataclass(frozen=True)
class Ally:
    name: str
    practice: str


def allies_for_member(*, user: User) -> list[Ally]:
    """Return the names and practices of other registered members in the user's area who chose to show them.

    Only someone who has registered and chosen to show their own name sees
    anyone; they see others who chose the same, in the same area, and only
    their name and practice. Everyone else sees an empty list.
    """
    own = interest_for_member(user=user)
    if own is None or not own.name_visible or own.practice.area_id is None or not user.is_active:
        return []
    others = (
        LeadershipInterest.objects.filter(name_visible=True, practice__area_id=own.practice.area_id, user__is_active=True)
        .filter(Exists(Membership.objects.filter(user=OuterRef("user"), practice=OuterRef("practice"), is_active=True)))
        .exclude(user=user)
        .select_related("user", "practice")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return [Ally(name=other.user.get_full_name() or "A member", practice=other.practice.name) for other in others]


def interests_for_staff() -> QuerySet[LeadershipInterest]:
    """Return every interest with the person, their practice, area and role at that practice."""
    role = Membership.objects.filter(user=OuterRef("user"), practice=OuterRef("practice")).values("role")[:1]
    return LeadershipInterest.objects.select_related("user", "practice", "practice__area").annotate(role=Subquery(role))


def interest_counts_for_staff() -> list[dict]:
    """Return interest counts by area and role: how many in all, and for each kind of interest."""
    rows = (
        interests_for_staff()
        .values("practice__area__name", "practice__area_id", "role")  # type: ignore[misc]  # role: an annotation
        .annotate(
            total=Count("pk"),
            take_part=Count("pk", filter=Q(take_part=True)),
            co_facilitate=Count("pk", filter=Q(co_facilitate=True)),
            lead=Count("pk", filter=Q(lead=True)),
            name_visible=Count("pk", filter=Q(name_visible=True)),
        )
        .order_by("practice__area__name", "role")
    )
    labels = dict(Membership.Role.choices)
    return [
        {**row, "area": row["practice__area__name"] or "No area recorded", "role_label": labels.get(row["role"], "No role")}
        for row in rows
    ]


def cohort_sessions_upcoming_for_member(*, user: User, now: datetime | None = None) -> QuerySet[CohortSession]:
    """Return the coming sessions of cohorts the user has a confirmed place on, soonest first."""
    confirmed = Enrolment.objects.filter(cohort_id=OuterRef("cohort_id"), user=user, status=Enrolment.Status.CONFIRMED)
    return (
        CohortSession.objects.filter(Exists(confirmed), ends_at__gt=now or timezone.now())
        .select_related("cohort")
        .annotate(enrolment_id=Subquery(confirmed.values("pk")[:1]))
        .order_by("starts_at", "pk")
    )


def goals_due_soon_for_member(*, user: User, today, days: int = 30) -> QuerySet[Goal]:
    """Return the user's own development-plan goals still open and due within `days` (or overdue)."""
    return Goal.objects.filter(
        review__manager=user,
        status__in=[Goal.Status.NOT_STARTED, Goal.Status.IN_PROGRESS],
        target_date__lte=today + timedelta(days=days),
    ).select_related("review").order_by("target_date", "pk")


def sessions_today_for_staff(*, today) -> list:
    """Return today's programme sessions and cohort sessions (London dates), earliest first."""
    day_start = datetime.combine(today, datetime.min.time(), tzinfo=timezone.get_default_timezone())
    day_end = day_start + timedelta(days=1)
    sessions = list(Session.objects.filter(starts_at__gte=day_start, starts_at__lt=day_end).select_related("area"))
    cohort_sessions = list(
        CohortSession.objects.filter(starts_at__gte=day_start, starts_at__lt=day_end).select_related("cohort")
    )
    return sorted(sessions + cohort_sessions, key=lambda session: session.starts_at)
