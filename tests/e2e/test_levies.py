import gzip
from datetime import date
from decimal import Decimal

import time_machine
from django.contrib.auth.models import Permission
from django.test import Client

from levies.models import LevyKind, ListSizeImport
from levies.services import list_size_import_read
from members.models import User
from tests.conftest import give_totp
from tests.e2e.conftest import assert_accessible, log_in
from tests.e2e.ux_support import CONTRAST_JS
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory, StaffFactory
from tests.levies.factories import LevyRateFactory, ListSizeFactory, RemittanceFactory
from tests.levies.test_listsize_csv import NHS_HEADER, nhs_row


def test_practice_manager_reads_their_levies(page):
    with time_machine.travel("2026-11-22 10:00 +00:00", tick=True):
        membership = MembershipFactory(practice__name="Riverside Medical Practice", practice__ods_code="P81001")
        practice = membership.practice
        LevyRateFactory(financial_year="2026/27", kind=LevyKind.STATUTORY, pence_per_patient=Decimal("42"))
        LevyRateFactory(financial_year="2026/27", kind=LevyKind.GPDF, pence_per_patient=Decimal("6"))
        ListSizeFactory(practice=practice, quarter_start=date(2026, 4, 1), patients=10_234)
        RemittanceFactory(practice=practice, quarter=1, kind=LevyKind.STATUTORY, amount=Decimal("1074.57"))
        ListSizeFactory(practice=PracticeFactory(name="Elsewhere Surgery"), quarter_start=date(2026, 4, 1))

        log_in(page, membership.user.email, PASSWORD)
        page.wait_for_url("**/dashboard/")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Levies").click()

        page.wait_for_url("**/levies/")
        section = page.get_by_test_id("practice-levies")
        assert "Riverside Medical Practice" in section.inner_text()
        row = page.get_by_role("row", name="Q1 2026/27 (April to June 2026)")
        assert "£1,074.57" in row.inner_text()
        assert "Received in full" in row.inner_text()
        assert row.locator("[data-state=matched] [aria-hidden=true]").inner_text() == "\u2714"
        assert "Elsewhere Surgery" not in page.content()
        assert_accessible(page)


def log_in_as_levy_administrator(page, live_server) -> User:
    # Live-server tests empty the tables between tests, groups included: give the permissions directly.
    staff = StaffFactory()
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["import_listsize", "view_listsize", "view_remittance", "add_remittance"])
    )
    give_totp(staff)
    client = Client()
    client.force_login(staff)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return staff


def test_staff_upload_and_quarter_view_pages_are_accessible(page, live_server):
    log_in_as_levy_administrator(page, live_server)
    LevyRateFactory(financial_year="2026/27", kind=LevyKind.STATUTORY)
    ListSizeFactory(practice=PracticeFactory(gpdf_opt_out=True), quarter_start=date(2026, 4, 1))

    page.goto("/admin/levies/listsize/import/")
    page.get_by_role("button", name="Upload and check").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)

    page.goto("/admin/levies/remittance/import/")
    assert_accessible(page)

    page.goto("/admin/levies/remittance/reconciliation/?quarter=2026-04-01")
    assert "£1,074.57" in page.get_by_test_id("reconciliation").inner_text()
    assert_accessible(page)


def test_import_page_shows_progress_then_the_preview(page, live_server):
    PracticeFactory(ods_code="P81001")
    staff = log_in_as_levy_administrator(page, live_server)
    content = NHS_HEADER + nhs_row("P81001", "10234")
    staged = ListSizeImport.objects.create(
        file_name="gp-reg-pat-prac-all.csv", file_format="nhs", data=gzip.compress(content.encode()),
        size_chars=len(content), uploaded_by=staff,
    )  # fmt: skip

    page.goto(f"/admin/levies/listsize/import/{staged.pk}/")
    assert page.locator("progress").is_visible()
    assert_accessible(page)
    list_size_import_read(import_id=staged.pk)  # what the Celery worker does

    counts = page.get_by_test_id("import-counts")
    counts.wait_for()
    assert "New list sizes" in counts.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Import 1 list sizes for Q3 2026/27").click()
    page.wait_for_url("**/levies/listsize/**")
    assert "1 new, 0 changed" in page.content()


# What each state of the quarter view shows besides its colour: {state: (symbol, words)}.
STATE_SIGNS = {
    "matched": ("\u2714", "Matched"),
    "short": ("\u25bc", "Short"),
    "over": ("\u25b2", "Over"),
    "missing": ("\u2716", "Missing"),
}


def test_quarter_view_shows_each_state_in_words_and_a_symbol_as_well_as_colour(page, live_server):
    log_in_as_levy_administrator(page, live_server)
    LevyRateFactory(financial_year="2026/27", kind=LevyKind.STATUTORY, pence_per_patient=Decimal("42"))
    received = {"matched": "1074.57", "short": "1000.00", "over": "1100.00", "missing": None}  # £1,074.57 is due
    for state, amount in received.items():
        practice = PracticeFactory(name=f"{state.title()} Surgery")
        ListSizeFactory(practice=practice, quarter_start=date(2026, 4, 1), patients=10_234)
        if amount:
            RemittanceFactory(practice=practice, quarter=1, kind=LevyKind.STATUTORY, amount=Decimal(amount))

    page.goto("/admin/levies/remittance/reconciliation/?quarter=2026-04-01&kind=statutory")
    page.evaluate(CONTRAST_JS)
    backgrounds = set()
    for state, (symbol, words) in STATE_SIGNS.items():
        row = page.get_by_test_id("reconciliation").get_by_role("row").filter(has_text=f"{state.title()} Surgery")
        shown = row.locator(f"[data-state={state}]")
        assert shown.inner_text().split() == [symbol, words]
        assert shown.locator("[aria-hidden=true]").inner_text() == symbol
        look = shown.evaluate(
            """e => ({background: getComputedStyle(e).backgroundColor,
                      text: lmcContrast(getComputedStyle(e).color, e.firstElementChild),
                      border: lmcContrast(getComputedStyle(e).borderTopColor, e)})"""
        )
        assert look["text"] >= 4.5, (state, look)  # the words and symbol on the state's own colour
        assert look["border"] >= 3, (state, look)  # the state's outline against the table
        backgrounds.add(look["background"])
    assert len(backgrounds) == len(STATE_SIGNS)  # each state has its own colour
    assert_accessible(page)  # axe-core, colour-contrast rules included
