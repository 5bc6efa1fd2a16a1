"""The admin index's "needs you now" panel."""

from django import template
from django.utils import timezone

from ..selectors.needs_you import enquiry_needs_you_now_for_staff

register = template.Library()


@register.inclusion_tag("admin/enquiries/_needs_you_now.html", takes_context=True)
def staff_needs_you_now(context) -> dict:
    request = context["request"]
    user = request.user
    counts = enquiry_needs_you_now_for_staff(user=user, now=timezone.now()) if user.has_perm("enquiries.view_enquiry") else None
    sessions = []
    if user.has_perm("programmes.view_session"):
        from programmes.selectors import sessions_today_for_staff  # the admin index spans apps; this panel too

        sessions = sessions_today_for_staff(today=timezone.localdate())
    return {"counts": counts, "sessions": sessions}
