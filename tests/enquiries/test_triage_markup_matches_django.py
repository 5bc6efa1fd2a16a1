"""The triage list's pieces written in Python give the HTML Django's own templates give.

For speed, the triage list draws its rows (`stacked_result_list`), its filters
(`plain_list_filter`), its action list (`PlainSelect`) and every admin page's
sidebar (`nav_app_list`) without Django's templates, and escapes its cells
with `format_cell_html`. Each copies markup that Django owns, so each is
compared here with Django's own rendering of the same page: a Django upgrade
that changes that markup fails here rather than drifting unseen.
"""

import re

import pytest
from django import forms
from django.contrib.admin.templatetags.admin_list import admin_list_filter, result_list
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from enquiries.models import Status
from members.html import format_cell_html
from members.templatetags.admin_filters import plain_list_filter
from members.templatetags.admin_sidebar import nav_app_list
from members.templatetags.admin_stacking import stacked_result_list
from members.widgets import PlainSelect
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.triage_support import admin_client, london
from tests.factories import PCNFactory, PracticeFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:enquiries_enquiry_changelist")


def same_html(html: str) -> str:
    """Whitespace between and inside tags does not change what the page says."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


@pytest.fixture
def triage_page(client, time_machine):
    time_machine.move_to(london(2026, 11, 23, 9, 0), tick=False)
    EnquiryFactory(urgent=True, urgent_reason="A partner left", summary="O'Brien & <Sons> dispute")
    EnquiryFactory(submitted_at=london(2026, 11, 13, 10, 0), first_contact_due_at=london(2026, 11, 20, 17, 0))
    EnquiryFactory(status=Status.FIRST_CONTACT, first_contact_at=london(2026, 11, 20, 10, 0))
    pcn = PCNFactory(name="Riverside & Vale PCN")
    EnquiryFactory(scope="pcn", pcn=pcn, practice=PracticeFactory(pcn=pcn))
    staff_client = admin_client(client, "lead")

    def page(query: str = ""):
        response = staff_client.get(CHANGELIST + query)
        assert response.status_code == 200
        return response

    return page


@pytest.mark.parametrize("query", ["", "?o=-3", "?sla=breached&o=3", "?q=nothing-matches-this"])
def test_the_rows_are_the_markup_djangos_result_list_gives(triage_page, query):
    response = triage_page(query)
    cl = response.context_data["cl"]

    ours = render_to_string("admin/change_list_results.html", stacked_result_list(cl))
    djangos = render_to_string("admin/change_list_results.html", result_list(cl))

    assert same_html(ours) == same_html(djangos)
    # Every list but the empty search has rows to compare.
    assert ("<tbody><tr" in same_html(ours)) == ("q=" not in query)


def test_the_filters_are_the_markup_of_djangos_filter_template(triage_page):
    response = triage_page("?sla=breached")
    cl = response.context_data["cl"]

    for spec in cl.filter_specs:
        assert same_html(plain_list_filter(cl, spec)) == same_html(admin_list_filter(cl, spec))


def test_the_sidebar_is_the_markup_of_djangos_app_list(triage_page):
    response = triage_page()
    context = {"available_apps": response.context_data["available_apps"], "request": response.wsgi_request}

    djangos = render_to_string("admin/app_list.html", {**context, "app_list": context["available_apps"]})

    assert response.context_data["available_apps"]
    assert same_html(nav_app_list(context)) == same_html(djangos)


def test_the_action_list_is_the_markup_of_djangos_select():
    choices = [("", "---------"), ("assign", "Assign to an officer"), ("x", 'Quotes " & <tags>')]

    ours = PlainSelect(choices=choices).render("action", "assign", attrs={"required": True})
    djangos = forms.Select(choices=choices).render("action", "assign", attrs={"required": True})

    assert same_html(ours) == same_html(djangos)


@pytest.mark.parametrize(
    "args",
    [
        ("O'Brien & <Sons>",),
        (mark_safe("<strong>kept</strong>"),),
        (42,),
        ('"quoted"',),
    ],
)
def test_cells_are_escaped_as_format_html_escapes_them(args):
    assert format_cell_html("<td>{}</td>", *args) == format_html("<td>{}</td>", *args)
