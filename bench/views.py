"""Bench-only views: the bare lists the portal's pages are compared with (their floor).

Each lists the same rows as the page it stands beside, through the same
visibility selector and in the same order, with one query and a tiny
template: the least Django can do to show them. Mounted by bench/urls.py,
which only the bench settings use.
"""

from django.contrib import admin
from django.http import HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone

from enquiries.models import Enquiry
from enquiries.selectors.member import enquiry_list_for_member
from enquiries.selectors.staff import TRIAGE_ORDERING
from enquiries.selectors.visibility import enquiries_visible_to_staff
from enquiries.sla import SlaState, sla_state_q
from enquiries.views import PAGE_SIZE

BARE_ROWS = 100


def bare_rows() -> int:
    """As many rows as the triage changelist shows on a page (100 until it is registered)."""
    model_admin = admin.site._registry.get(Enquiry)
    return model_admin.list_per_page if model_admin else BARE_ROWS


def bare_enquiry_list(request):
    """The triage changelist's first page, bare: the enquiries this officer may see, in triage order.

    `?sla=<state>` keeps one SLA state, soonest due first (the changelist's
    SLA filter sorted by due time).
    """
    if not request.user.is_staff:
        return HttpResponseForbidden()
    rows = enquiries_visible_to_staff(
        user=request.user, queryset=Enquiry.objects.select_related("practice", "assigned_to")
    )
    state = request.GET.get("sla")
    if state in {s.value for s in SlaState}:
        rows = rows.filter(sla_state_q(state, now=timezone.now())).order_by("first_contact_due_at", "pk")
    else:
        rows = rows.order_by(*TRIAGE_ORDERING)
    return render(request, "bench/bare_list.html", {"rows": rows[: bare_rows()]})


def bare_member_enquiry_list(request):
    """The members' enquiry list's first page, bare: the same selector, a tiny template."""
    rows = enquiry_list_for_member(user=request.user)[:PAGE_SIZE]
    return render(request, "bench/bare_list.html", {"rows": rows})
