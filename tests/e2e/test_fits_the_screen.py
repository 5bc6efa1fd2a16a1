"""Every page of the members area, and the main admin pages, fit a 1280 px desktop and a 390 px phone.

The member pages come from the URL resolver, as in the access sweep (tests/test_access_sweep.py), with
its builders for the objects behind them, so a new page is swept without being listed here. Each page
is visited as the person it is for; it must not scroll sideways, its key columns must be on screen,
and axe-core (contrast rules included) must find nothing.
"""

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from members.models import User
from tests import test_access_sweep as sweep
from tests.conftest import give_totp
from tests.e2e.conftest import AXE
from tests.e2e.ux_support import WIDTHS, scrolls_sideways

# Fragments the pages fetch; POST-only views and downloads are left out by what they answer.
NOT_PAGES = {
    "enquiries:due_preview": "a fragment the submission form fetches",
    "voice:feedback": "reached by an emailed token without logging in; swept in tests/e2e/test_voice.py",
}


# Columns a person must see without scrolling a table sideways: {url name: [column heading]}.
KEY_COLUMNS = {
    "enquiries:list": ["Status", "We will contact you"],
    "admin:enquiries_enquiry_changelist": ["SLA and time left", "Officer", "Waiting"],
    "admin:programmes_booking_changelist": ["Person", "Session", "Status"],
    "admin:levies_listsize_changelist": ["Practice", "Quarter", "Registered patients"],
    "admin:levies_remittance_changelist": ["Practice", "Amount"],
    "admin:levies_reconciliation": ["Practice", "Expected", "Received", "State"],
}

# What else must be on screen, as CSS selectors: {url name: [selector]}.
KEY_ELEMENTS = {
    "admin:index": ["#needs-you-now"],
    "admin:enquiries_enquiry_change": [".sla-badge", ".journey-history"],
    "admin:enquiries_enquiry_overview": ["[data-testid=by-state]", "[data-testid=per-officer]"],
}

# On the triage list the SLA badge and the time left are read first, before the other columns.
FIRST_COLUMN = {"admin:enquiries_enquiry_changelist": "SLA and time left"}

# Project apps whose changelists are swept in the admin.
ADMIN_APPS = {"members", "enquiries", "levies", "programmes", "voice", "mail", "privacy"}

DEMO_MEMBER = "manager@riverside.example.org"
DEMO_SUPERUSER = "admin@lmc.example.org"


def as_member(user: User) -> User:
    """A trained mentor or reviewer from another practice: members' pages need a membership."""
    from tests.factories import MembershipFactory

    if not user.memberships.exists():
        MembershipFactory(user=user)
    return user


def owner_of(url_name: str, kwargs: dict) -> User:
    """The person a member page with an object is for, by the builder that made the object."""
    from enquiries.models import Enquiry
    from programmes.models import Booking, Enrolment, Goal, Mentoring, PeerReview

    pk = kwargs.get("pk")
    owners = {
        sweep._enquiry: lambda: Enquiry.objects.get(reference=kwargs["reference"]).submitted_by,
        sweep._enquiry_document: lambda: Enquiry.objects.get(reference=kwargs["reference"]).submitted_by,
        sweep._booking: lambda: Booking.objects.get(pk=pk).user,
        sweep._enrolment: lambda: Enrolment.objects.get(pk=pk).user,
        sweep._review: lambda: PeerReview.objects.get(pk=pk).manager,
        sweep._goal: lambda: Goal.objects.get(pk=pk).review.manager,
        sweep._mentoring: lambda: as_member(Mentoring.objects.get(pk=pk).mentor),
    }
    if url_name == "programmes:review_meeting_record":
        return as_member(PeerReview.objects.get(pk=pk).reviewer)
    builder = sweep.BUILDERS[url_name]
    return owners[builder]() if builder in owners else User.objects.get(email=DEMO_MEMBER)


def is_page(url: str, person: User) -> bool:
    """Whether `url` answers its owner's GET with HTML (not POST-only, not a download)."""
    client = Client()
    client.force_login(person)
    response = client.get(url)
    return response.status_code != 405 and response.get("Content-Type", "").startswith("text/html")


def member_pages(practice) -> list[tuple[str, str, User]]:
    """(url name, url, person) for every member page, objects built at the demo member's practice."""
    demo_member = User.objects.get(email=DEMO_MEMBER)
    pages = [(name, reverse(name), demo_member) for name in sweep.page_url_names() if name not in NOT_PAGES]
    for name in sweep.object_url_names():
        if name in NOT_PAGES:
            continue
        target = sweep.BUILDERS[name](practice)
        pages.append((name, reverse(name, kwargs=target.kwargs), owner_of(name, target.kwargs)))
    return [(name, url, person) for name, url, person in pages if is_page(url, person)]


def admin_pages() -> list[tuple[str, str]]:
    """The admin index, every project changelist, and the pages staff work in besides the lists."""
    from enquiries.models import Enquiry

    pages = [("admin:index", reverse("admin:index"))]
    for model in admin.site._registry:
        if model._meta.app_label in ADMIN_APPS:
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
            pages.append((name, reverse(name)))
    enquiry = Enquiry.objects.filter(messages__isnull=False).order_by("reference").first()
    pages += [
        ("admin:enquiries_enquiry_change", reverse("admin:enquiries_enquiry_change", args=[enquiry.pk])),
        ("admin:enquiries_enquiry_overview", reverse("admin:enquiries_enquiry_overview")),
        ("admin:levies_reconciliation", reverse("admin:levies_reconciliation")),
    ]
    return pages


def log_in_as(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}]
    )


def problems_on(page, name: str) -> list[str]:
    found = []
    if scrolls_sideways(page):
        too_wide = page.evaluate(
            """() => Array.from(document.querySelectorAll('body *'))
                  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                  .slice(-3).map(e => e.outerHTML.slice(0, 80))"""
        )
        found.append(
            f"{name}: the page scrolls sideways ({page.evaluate('document.documentElement.scrollWidth')} px), e.g. {too_wide}"
        )
    for heading in KEY_COLUMNS.get(name, []):
        visible = page.evaluate(
            """heading => {
                const on = e => { const r = e.getBoundingClientRect();
                  return r.width > 2 && r.height > 2 && r.left >= 0 && r.right <= window.innerWidth + 1; };
                const cells = Array.from(document.querySelectorAll('th, td')).filter(e =>
                  e.textContent.trim() === heading || e.dataset.label === heading);
                return cells.some(on);
            }""",
            heading,
        )
        if not visible:
            found.append(f"{name}: the column {heading!r} is off screen")
    for selector in KEY_ELEMENTS.get(name, []):
        box = page.locator(selector).first.bounding_box()
        if not box or box["width"] < 2 or box["x"] < 0 or box["x"] + box["width"] > page.viewport_size["width"] + 1:
            found.append(f"{name}: {selector} is missing or off screen")
    if name in FIRST_COLUMN:
        found += first_column_problems(page, name, FIRST_COLUMN[name])
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
            rules: {'color-contrast': {enabled: true}}})"""
    )
    found += [f"{name}: {v['id']} {v['nodes'][0]['html'][:100]}" for v in result["violations"]]
    return found


def first_column_problems(page, name: str, heading: str) -> list[str]:
    """Whether, in the first row, `heading`'s cell is read before every other data cell but the row's link."""
    order = page.evaluate(
        """() => Array.from(document.querySelectorAll('#result_list tbody tr:first-child [data-label]'))
              .filter(e => e.tagName === 'TD')
              .map(e => { const r = e.getBoundingClientRect(); return [e.dataset.label, Math.round(r.top), Math.round(r.left)]; })
              .sort((a, b) => a[1] - b[1] || a[2] - b[2]).map(cell => cell[0])"""
    )
    if not order or order[0] != heading:
        return [f"{name}: {heading!r} is not read first (reading order {order})"]
    return []


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=None)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_member_page_fits_the_screen(demo, page, live_server, width):
    from members.models import Practice
    from tests.enquiries.factories import EnquiryFactory

    EnquiryFactory.reset_sequence(900)  # after the demo's references

    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    practice = Practice.objects.get(ods_code="P81001")
    problems = []
    for name, url, person in member_pages(practice):
        log_in_as(page, live_server, person)
        response = page.goto(url)
        if response.status != 200:
            problems.append(f"{name} answered {response.status} for its owner")
            continue
        problems += problems_on(page, name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_main_admin_pages_fit_the_screen(demo, page, live_server, width):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    superuser = User.objects.get(email=DEMO_SUPERUSER)
    give_totp(superuser)
    log_in_as(page, live_server, superuser)
    problems = []
    for name, url in admin_pages():
        response = page.goto(url)
        assert response.status == 200, f"{name} answered {response.status}"
        problems += problems_on(page, name)
    assert not problems, "\n".join(problems)
