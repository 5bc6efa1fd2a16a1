"""Enquiry figures for other apps' pages (the dashboard), through the member selector's one rule."""

from django import template
from django.utils import timezone

from ..promises import promise_for, sla_state_for
from ..selectors.member import enquiry_open_count_for_member, enquiry_open_list_for_member_dashboard

register = template.Library()


@register.simple_tag
def open_enquiry_count(user) -> int:
    """How many open enquiries `user` may see (their own, and those shared with them)."""
    return enquiry_open_count_for_member(user=user)


@register.inclusion_tag("enquiries/_dashboard_card.html")
def enquiry_dashboard_card(user) -> dict:
    """The dashboard's enquiries card: each open enquiry with its state, and replies from the LMC."""
    now = timezone.now()
    rows = [
        {"enquiry": enquiry, "promise": promise_for(enquiry, now=now), "state": sla_state_for(enquiry, now=now).value}
        for enquiry in enquiry_open_list_for_member_dashboard(user=user)
    ]
    return {"rows": rows, "open_count": enquiry_open_count_for_member(user=user) if len(rows) >= 5 else len(rows)}
