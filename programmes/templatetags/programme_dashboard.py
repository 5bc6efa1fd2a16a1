"""The programme's card on the member dashboard, through the programme's member selectors."""

from django import template
from django.utils import timezone

from ..selectors import cohort_sessions_upcoming_for_member, goals_due_soon_for_member, upcoming_bookings_for_member

register = template.Library()

SHOWN = 3


@register.inclusion_tag("programmes/_dashboard_card.html")
def programme_dashboard_card(user) -> dict:
    """Upcoming bookings and cohort sessions (each with "add to calendar") and goals due soon."""
    now = timezone.now()
    return {
        "bookings": list(upcoming_bookings_for_member(user=user, now=now)[:SHOWN]),
        "cohort_sessions": list(cohort_sessions_upcoming_for_member(user=user, now=now)[:SHOWN]),
        "goals": list(goals_due_soon_for_member(user=user, today=timezone.localdate())[:SHOWN]),
        "today": timezone.localdate(),
    }
