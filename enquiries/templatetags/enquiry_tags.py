"""Enquiry figures for other apps' pages (the dashboard), through the member selector's one rule."""

from django import template

from ..selectors.member import enquiry_open_count_for_member

register = template.Library()


@register.simple_tag
def open_enquiry_count(user) -> int:
    """How many open enquiries `user` may see (their own, and those shared with them)."""
    return enquiry_open_count_for_member(user=user)
