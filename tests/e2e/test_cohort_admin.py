"""Staff: the completions chart and the attendance screens are accessible and the chart draws."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from members.permissions import PROGRAMME_ADMIN
from programmes.models import CohortSession
from tests.conftest import give_totp
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_triage import log_in_with_totp
from tests.factories import StaffFactory
from tests.programmes.factories import CohortFactory, EnrolmentFactory, gp


def test_programme_administrator_records_attendance_and_sees_the_completions_chart(page):
    coordinator = StaffFactory(groups=[PROGRAMME_ADMIN])
    secret = give_totp(coordinator)
    cohort = CohortFactory(name="Next Generation GP: Preston", completion_minimum=1)
    enrolment = EnrolmentFactory(cohort=cohort, user=gp(first_name="Ben", last_name="Okoro"))
    first = cohort.sessions.order_by("starts_at").first()
    CohortSession.objects.filter(pk=first.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    log_in_with_totp(page, coordinator, secret)

    page.goto(f"/admin/programmes/cohort/{cohort.pk}/attendance/")
    expect(page.get_by_test_id("attendance-grid")).to_contain_text("Ben Okoro")
    assert_accessible(page)
    page.get_by_role("link", name="Record attendance for Session 1").click()
    page.get_by_label("Ben Okoro").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".messagelist")).to_contain_text("Attendance recorded for 1 person")
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None

    page.goto("/admin/programmes/cohort/completions/")
    page.wait_for_function("() => typeof Chart !== 'undefined' && Chart.getChart('completions-chart')")
    expect(page.get_by_test_id("completions")).to_contain_text("Next Generation GP: Preston")
    assert_accessible(page)
