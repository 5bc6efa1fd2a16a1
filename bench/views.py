"""Bench-only view: the bare list the triage changelist is compared with.

Mounted by bench/urls.py, which only the bench settings use.
"""


from django.contrib import admin
from django.http import HttpResponseForbidden
from django.shortcuts import render

from enquiries.models import Enquiry

BARE_ROWS = 100


def bare_rows() -> int:
    """As many rows as the triage changelist shows on a page (100 until it is registered)."""
    model_admin = admin.site._registry.get(Enquiry)
    return model_admin.list_per_page if model_admin else BARE_ROWS


def bare_enquiry_list(request):
    """The least Django can do to list a page of the newest enquiries: one query, one small template."""
    if not request.user.is_staff:
        return HttpResponseForbidden()
    rows = Enquiry.objects.select_related("practice", "assigned_to").order_by("-submitted_at", "-pk")[: bare_rows()]
    return render(request, "bench/bare_list.html", {"rows": rows})
