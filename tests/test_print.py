"""Pages people print (an enquiry, a development plan, a levy statement) link a print stylesheet that hides the nav."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.enquiries.factories import EnquiryFactory

PORTAL_CSS = Path(__file__).resolve().parents[1] / "static" / "css" / "portal.css"


def print_rules() -> str:
    css = PORTAL_CSS.read_text()
    match = re.search(r"@media print \{(.*?)\n\}", css, re.S)
    assert match, "portal.css has no @media print block"
    return match.group(1)


def test_print_stylesheet_hides_navigation_buttons_and_forms():
    rules = print_rules()
    hidden = rules.split("{ display: none !important; }")[0]
    for selector in ("header", "footer", ".portal-navbar", ".btn", "form"):
        assert selector in hidden


def test_print_stylesheet_sets_a4_and_shows_wide_tables_in_full():
    css = PORTAL_CSS.read_text()
    assert "@page { size: A4" in css
    assert ".table-responsive { overflow: visible !important; }" in print_rules()


@pytest.mark.django_db
def test_enquiry_and_levy_pages_link_the_print_stylesheet(member_client, member):
    enquiry = EnquiryFactory(practice=member.memberships.get().practice, submitted_by=member)
    for url in (reverse("enquiries:detail", kwargs={"reference": enquiry.reference}), reverse("levies:index")):
        page = member_client.get(url).content.decode()
        assert 'href="/static/css/portal.css"' in page, url
