import pytest
from playwright.sync_api import expect

from programmes.models import Booking
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import PASSWORD, MembershipFactory
from tests.programmes.factories import AreaFactory, BookingFactory, SessionFactory


@pytest.fixture
def second_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _open_programme(page, email):
    log_in(page, email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programme", exact=True).click()
    page.wait_for_url("**/programme/")
    assert_accessible(page)


def test_cancelled_last_place_goes_to_the_manager_on_the_waiting_list(page, second_page):
    session = SessionFactory(title="Peer support: CQC readiness", capacity=2)
    BookingFactory(session=session)  # one place left
    SessionFactory(title="Peer support: Pennine", area=AreaFactory(name="Pennine"))
    first = MembershipFactory(user__first_name="Priya").user
    second = MembershipFactory(user__first_name="Gareth").user
    card = f"session-{session.pk}"

    _open_programme(page, first.email)
    expect(page.get_by_label("Footprint", exact=True)).to_be_visible()
    expect(page.get_by_test_id(card)).to_contain_text("1 of 2 places left")
    page.get_by_test_id(card).get_by_role("button", name="Book a place").click()
    expect(page.get_by_role("status").first).to_contain_text("You are booked on")
    expect(page.get_by_test_id(f"booking-{session.pk}")).to_contain_text("Confirmed")
    assert_accessible(page)

    _open_programme(second_page, second.email)
    expect(second_page.get_by_test_id(card)).to_contain_text("Full")
    second_page.get_by_test_id(card).get_by_role("button", name="Join the waiting list").click()
    expect(second_page.get_by_test_id(f"booking-{session.pk}")).to_contain_text("Waiting list: number 1")
    assert_accessible(second_page)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id(f"booking-{session.pk}").get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_role("status").first).to_contain_text("is cancelled")
    assert_accessible(page)

    second_page.reload()
    expect(second_page.get_by_test_id(f"booking-{session.pk}")).to_contain_text("Confirmed")
    assert second_page.get_by_role("link", name="Add to calendar").count() == 1
    assert_accessible(second_page)
    assert Booking.objects.get(session=session, user=second).status == Booking.Status.CONFIRMED
