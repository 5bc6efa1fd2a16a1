"""Read-side queries. A member sees only sessions open to their role, and only
their own bookings, development plans and mentoring: never anyone else's."""

from datetime import datetime, timedelta

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.models import User
from members.selectors import memberships_for_user

from .models import AspiringGroup, Booking, Mentoring, PeerReview, Session

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
    return bookings_for_member(user=booking.user).get(pk=booking.pk).position


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
