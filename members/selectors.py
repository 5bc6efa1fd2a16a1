"""Read-side queries. The rule "a member sees only their own practice" lives here."""

from django.db.models import QuerySet

from .models import Membership, Practice, User


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    """Return the user's active memberships with their practice and PCN."""
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, is_active=True).select_related("practice", "practice__pcn")


def practices_for_user(*, user: User) -> QuerySet[Practice]:
    """Return the practices the user may act for (active memberships only)."""
    if not user.is_authenticated or not user.is_active:
        return Practice.objects.none()
    return Practice.objects.filter(memberships__user=user, memberships__is_active=True).select_related("pcn")


def user_is_member(*, user: User) -> bool:
    return memberships_for_user(user=user).exists()
