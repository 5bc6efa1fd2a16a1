"""Printing the pages people keep on paper: an enquiry, a development plan and a levy statement.

Chromium prints each page of the seeded demo to an A4 PDF with print media emulated, and the PDF's
own text is read back (pypdf): the navigation, header and footer are gone, a long message is there
in full, the page count is sensible, and each section the print stylesheet marks `.print-break`
(static/css/portal.css) starts a new page with its heading first.
"""

import io
import unicodedata

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from enquiries.models import Enquiry, EnquiryMessage
from members.models import User
from programmes.models import PeerReview
from tests.e2e.test_fits_the_screen import DEMO_MEMBER, log_in_as

A4_POINTS = (595, 842)  # 210 x 297 mm
# Words only the screen shows: the navigation, the skip link and the footer.
SCREEN_ONLY = [
    "Skip to main content", "Back to Our enquiries", "Support enquiries", "Your account", "Log out",
    "confidential to the LMC's officers",
]  # fmt: skip
# A message far longer than a page, each sentence numbered so a lost line is noticed.
LONG_MESSAGE = " ".join(
    f"Point {n}: the landlord's agent wrote again about the service charge and the dilapidations schedule."
    for n in range(1, 121)
)


def flat(text: str) -> str:
    return " ".join(text.split())


def printed_in_full(pages: list[str], text: str) -> bool:
    """Whether `text` is in the PDF, letter for letter. PDF text comes back with ligatures (ﬁ) and
    with spaces where a table cell's words were placed apart, so both sides lose those."""
    return squashed(text) in squashed(" ".join(pages))


def squashed(words: str) -> str:
    return "".join(unicodedata.normalize("NFKC", words).split())


def printed(page, url: str) -> list[str]:
    """Print `url` to A4 as Chromium does, and return each PDF page's text (whitespace folded)."""
    page.goto(url)
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => ['header', 'footer', 'nav.portal-navbar', '.skip-link']
              .map(s => document.querySelector(s)).filter(Boolean)
              .map(e => getComputedStyle(e).display)"""
    )
    assert len(shown) == 4
    assert set(shown) == {"none"}, shown
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    for sheet in reader.pages:
        assert (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height))) == A4_POINTS
    pages = [flat(sheet.extract_text()) for sheet in reader.pages]
    for words in SCREEN_ONLY:
        assert not any(words in text for text in pages), f"{url}: {words!r} was printed"
    return pages


def page_of(pages: list[str], heading: str) -> int:
    found = [number for number, text in enumerate(pages) if heading in text]
    assert found, f"{heading!r} is not in the PDF"
    return found[0]


def assert_starts_a_page(pages: list[str], heading: str) -> None:
    number = page_of(pages, heading)
    assert number > 0, f"{heading!r} is on the first page"
    assert pages[number].startswith(heading), f"{heading!r} does not start page {number + 1}: {pages[number][:80]!r}"


def assert_sensible_length(pages: list[str], *, breaks: int) -> None:
    """No more sheets than the forced page breaks need, plus one per 2,500 characters (a full A4 page
    of 11 pt text holds about 4,000): a stray break or a blank page fails."""
    characters = sum(len(text) for text in pages)
    assert len(pages) <= 1 + breaks + characters // 2500, (len(pages), characters, [text[:40] for text in pages])


@pytest.fixture
def demo_manager(transactional_db, page, live_server) -> User:
    call_command("seed_demo", stdout=None)
    manager = User.objects.get(email=DEMO_MEMBER)
    log_in_as(page, live_server, manager)
    return manager


def test_an_enquiry_a_development_plan_and_a_levy_statement_print_cleanly_on_a4(demo_manager, page):
    enquiry = Enquiry.objects.filter(submitted_by=demo_manager, plan_published_at__isnull=False).first()
    EnquiryMessage.objects.create(
        enquiry=enquiry, author=demo_manager, from_lmc=False, text=LONG_MESSAGE, created_at=timezone.now()
    )

    pages = printed(page, reverse("enquiries:detail", kwargs={"reference": enquiry.reference}))
    assert pages[0].startswith(f"Enquiry {enquiry.reference}")
    assert page_of(pages, "What was agreed") == 0
    assert_starts_a_page(pages, "Messages with the LMC")
    assert printed_in_full(pages, LONG_MESSAGE)  # nothing clipped, across the page breaks
    assert_starts_a_page(pages, "What you told us")
    assert printed_in_full(pages, enquiry.details)
    assert_sensible_length(pages, breaks=2)

    review = PeerReview.objects.get(manager=demo_manager)
    pages = printed(page, reverse("programmes:plan_detail", args=[review.pk]))
    assert pages[0].startswith("Your development plan")
    assert page_of(pages, "Review meeting") == 0
    assert printed_in_full(pages[:1], review.meeting_notes)
    assert_starts_a_page(pages, "Goals")
    for goal in review.goals.all():
        assert printed_in_full(pages, goal.what)
    assert "Update" not in pages[-1]  # the screen's links to change a goal
    assert_sensible_length(pages, breaks=1)

    pages = printed(page, reverse("levies:index"))
    assert pages[0].startswith("Levies")
    years = [text.split("Financial year ", 1)[1][:7] for text in pages if "Financial year " in text]
    assert len(years) == 2, years  # this year and last, each on its own page
    assert page_of(pages, f"Financial year {years[0]}") == 0
    assert_starts_a_page(pages, f"Financial year {years[1]}")
    assert_sensible_length(pages, breaks=1)
