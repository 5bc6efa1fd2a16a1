"""Staff side: a cohort with its sessions on one screen, protected deletes, attendance,
the completions chart, and interests (summary, CSV export, introductions)."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.permissions import PROGRAMME_ADMIN
from programmes.models import Attendance, Cohort, CohortSession, Enrolment, HubEmailTemplate, Programme
from programmes.services import leadership_interest_save
from tests.conftest import give_totp
from tests.factories import PracticeFactory, StaffFactory
from tests.programmes.factories import (
    AreaFactory,
    BookingFactory,
    CohortFactory,
    EnrolmentFactory,
    NhsAreaFactory,
    ProgrammeFactory,
    SessionFactory,
    gp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client):
    coordinator = StaffFactory(groups=[PROGRAMME_ADMIN])
    give_totp(coordinator)
    client.force_login(coordinator)
    return client


def _split(moment):
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"


def _cohort_form(programme, area, session_days, **overrides):
    today = timezone.localdate()
    opens, closes = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=10)
    data = {
        "programme": programme.pk,
        "name": "Next Generation GP: Preston autumn",
        "area": area.pk,
        "description": "",
        "led_by": "",
        "capacity": 12,
        "applications_open_at_0": _split(opens)[0], "applications_open_at_1": _split(opens)[1],
        "applications_close_at_0": _split(closes)[0], "applications_close_at_1": _split(closes)[1],
        "cancellation_until_0": _split(closes)[0], "cancellation_until_1": _split(closes)[1],
        "starts_on": f"{today + timedelta(days=14):%Y-%m-%d}",
        "ends_on": f"{today + timedelta(days=120):%Y-%m-%d}",
        "completion_minimum": 5,
        "sessions-TOTAL_FORMS": len(session_days), "sessions-INITIAL_FORMS": 0,
        "sessions-MIN_NUM_FORMS": 0, "sessions-MAX_NUM_FORMS": 1000,
        "enrolments-TOTAL_FORMS": 0, "enrolments-INITIAL_FORMS": 0,
        "enrolments-MIN_NUM_FORMS": 0, "enrolments-MAX_NUM_FORMS": 1000,
    }
    for index, days in enumerate(session_days):
        day = today + timedelta(days=days)
        data.update({
            f"sessions-{index}-title": f"Session {index + 1}",
            f"sessions-{index}-starts_at_0": f"{day:%Y-%m-%d}", f"sessions-{index}-starts_at_1": "18:30:00",
            f"sessions-{index}-ends_at_0": f"{day:%Y-%m-%d}", f"sessions-{index}-ends_at_1": "20:30:00",
            f"sessions-{index}-mode": "in_person",
            f"sessions-{index}-venue": "Preston Business Centre",
            f"sessions-{index}-online_link": "",
        })
    data.update(overrides)
    return data


def test_staff_create_a_cohort_with_its_six_sessions_on_one_screen(coordinator_client):
    programme, area = ProgrammeFactory(), AreaFactory(name="Central Preston")
    page = coordinator_client.get(reverse("admin:programmes_cohort_add") + f"?programme={programme.pk}")
    assert page.content.decode().count('name="sessions-') >= 6 * 4
    response = coordinator_client.post(
        reverse("admin:programmes_cohort_add"), _cohort_form(programme, area, [14, 28, 42, 56, 70, 84])
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert Cohort.objects.get().sessions.count() == 6


def test_sessions_out_of_order_are_refused_with_a_plain_message(coordinator_client):
    response = coordinator_client.post(
        reverse("admin:programmes_cohort_add"),
        _cohort_form(ProgrammeFactory(), AreaFactory(name="Central Preston"), [14, 42, 28, 56, 70, 84]),
    )
    assert response.status_code == 200
    assert "Put the sessions in date order" in response.content.decode()
    assert not Cohort.objects.exists()
    assert not CohortSession.objects.exists()


def test_a_session_outside_the_cohorts_dates_is_refused(coordinator_client):
    response = coordinator_client.post(
        reverse("admin:programmes_cohort_add"),
        _cohort_form(ProgrammeFactory(), AreaFactory(name="Central Preston"), [14, 28, 42, 56, 70, 200]),
    )
    assert "outside the cohort&#x27;s dates" in response.content.decode()
    assert not Cohort.objects.exists()


def test_fewer_sessions_than_the_completion_rule_is_refused(coordinator_client):
    response = coordinator_client.post(
        reverse("admin:programmes_cohort_add"),
        _cohort_form(ProgrammeFactory(), AreaFactory(name="Central Preston"), [14, 28, 42]),
    )
    assert "nobody could attend the 5 needed to complete" in response.content.decode()
    assert not Cohort.objects.exists()


def test_applications_closing_before_they_open_gets_a_plain_message_not_a_constraint_name(coordinator_client):
    data = _cohort_form(ProgrammeFactory(), AreaFactory(name="Central Preston"), [14, 28, 42, 56, 70, 84])
    data["applications_close_at_0"] = data["applications_open_at_0"]
    data["applications_close_at_1"] = "00:00:00"
    page = coordinator_client.post(reverse("admin:programmes_cohort_add"), data).content.decode()
    assert "Applications must close after they open." in page
    assert "Constraint" not in page
    assert "violated" not in page


def test_a_booked_session_cannot_be_deleted_from_the_admin(coordinator_client):
    booking = BookingFactory()
    url = reverse("admin:programmes_session_delete", args=[booking.session.pk])
    assert coordinator_client.get(url).status_code == 403
    page = coordinator_client.get(reverse("admin:programmes_session_change", args=[booking.session.pk])).content.decode()
    assert "cannot be deleted because people have booked it" in page
    unbooked = SessionFactory()
    assert coordinator_client.get(reverse("admin:programmes_session_delete", args=[unbooked.pk])).status_code == 200


def test_bookings_enrolments_and_a_cohort_with_enrolments_cannot_be_deleted(coordinator_client):
    booking, enrolment = BookingFactory(), EnrolmentFactory()
    assert coordinator_client.get(reverse("admin:programmes_booking_delete", args=[booking.pk])).status_code == 403
    assert coordinator_client.get(reverse("admin:programmes_enrolment_delete", args=[enrolment.pk])).status_code == 403
    assert coordinator_client.get(reverse("admin:programmes_cohort_delete", args=[enrolment.cohort.pk])).status_code == 403
    pm = Programme.objects.get(slug="practice-manager-development")
    assert coordinator_client.get(reverse("admin:programmes_programme_delete", args=[pm.pk])).status_code == 403
    assert coordinator_client.get(
        reverse("admin:programmes_hubemailtemplate_delete", args=[HubEmailTemplate.objects.get().pk])
    ).status_code == 403


def test_attendance_screen_refuses_a_future_session_and_records_a_started_one(coordinator_client):
    cohort = CohortFactory(completion_minimum=1)
    enrolment = EnrolmentFactory(cohort=cohort)
    future, past = cohort.sessions.order_by("starts_at")[:2]
    past.starts_at, past.ends_at = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1)
    CohortSession.objects.filter(pk=past.pk).update(starts_at=past.starts_at, ends_at=past.ends_at)

    url = reverse("admin:programmes_cohort_attendance_record", args=[cohort.pk, future.pk])
    response = coordinator_client.post(url, {"attended": [enrolment.pk]}, follow=True)
    assert "has not started yet" in response.content.decode()
    assert not Attendance.objects.exists()

    url = reverse("admin:programmes_cohort_attendance_record", args=[cohort.pk, past.pk])
    coordinator_client.post(url, {"attended": [enrolment.pk]})
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    grid = coordinator_client.get(reverse("admin:programmes_cohort_attendance", args=[cohort.pk])).content.decode()
    assert "✓" in grid
    assert enrolment.user.email in grid


def test_cohort_list_shows_enrolled_waiting_and_completed_at_a_glance(coordinator_client):
    cohort = CohortFactory(capacity=1)
    EnrolmentFactory(cohort=cohort, completed_at=timezone.now())
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    response = coordinator_client.get(reverse("admin:programmes_cohort_changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.enrolled_count, row.waitlisted_count, row.completed_count) == (1, 1, 1)


def test_completions_chart_shows_completions_per_cohort(coordinator_client):
    cohort = CohortFactory(name="Preston spring")
    EnrolmentFactory(cohort=cohort, completed_at=timezone.now())
    EnrolmentFactory(cohort=cohort)
    response = coordinator_client.get(reverse("admin:programmes_cohort_completions"))
    page = response.content.decode()
    assert "vendor/chart.js/chart.umd.js" in page
    assert "js/cohort_completions.js" in page
    assert response.context["figures"] == [{"cohort": "Preston spring", "enrolled": 2, "completed": 1}]


# --- Interests -------------------------------------------------------------------------------


def _interest(first_name, *, area="Greater Preston", visible=False, **choices):
    person = gp(first_name=first_name, last_name="Test", practice=PracticeFactory(area=NhsAreaFactory(name=area)))
    practice = person.memberships.get().practice
    flags = {"take_part": True, "co_facilitate": False, "lead": False, **choices}
    return leadership_interest_save(user=person, practice_id=practice.pk, name_visible=visible, **flags)


def test_staff_see_interests_counted_by_area_and_role(coordinator_client):
    _interest("Ann")
    _interest("Bob", co_facilitate=True)
    _interest("Cat", area="East Lancashire")
    page = coordinator_client.get(reverse("admin:programmes_leadershipinterest_summary"))
    rows = {(row["area"], row["role_label"]): (row["total"], row["co_facilitate"]) for row in page.context["rows"]}
    assert rows == {
        ("East Lancashire", "GP trainee or early-career GP"): (1, 0),
        ("Greater Preston", "GP trainee or early-career GP"): (2, 1),
    }


def test_interest_csv_export_escapes_cells_a_spreadsheet_would_run(coordinator_client):
    interest = _interest("=HYPERLINK(\"http://evil\")")
    response = coordinator_client.post(
        reverse("admin:programmes_leadershipinterest_changelist"),
        {"action": "export_csv", "_selected_action": [interest.pk]},
    )
    (row,) = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert row["Name"].startswith("'=HYPERLINK")
    assert row["NHS area"] == "Greater Preston"
    assert row["Taking part"] == "Yes"


def test_introducing_a_group_sends_one_email_each_with_no_addresses_of_others(
    coordinator_client, django_capture_on_commit_callbacks, mailoutbox
):
    shown = _interest("Shown", visible=True)
    hidden = _interest("Hidden", visible=False)
    third = _interest("Third", visible=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("admin:programmes_leadershipinterest_changelist"),
            {"action": "introduce", "_selected_action": [shown.pk, hidden.pk, third.pk],
             "message": "You all want to run a Next Generation GP cohort in Preston."},
        )
    assert response.status_code == 302
    assert sorted(email.to[0] for email in mailoutbox) == sorted(i.user.email for i in (shown, hidden, third))
    everyone = {i.user.email for i in (shown, hidden, third)}
    for email in mailoutbox:
        assert len(email.to) == 1
        assert not email.cc
        assert not email.bcc
        assert not (everyone - set(email.to)) & set(email.body.split())
        assert all(address not in email.body for address in everyone - set(email.to))
        assert "Hidden Test" not in email.body
    to_hidden = next(email for email in mailoutbox if email.to == [hidden.user.email])
    assert "Shown Test" in to_hidden.body
    assert "Third Test" in to_hidden.body


def test_every_new_admin_page_opens_for_the_programme_administrator(coordinator_client):
    from programmes.models import LeadershipInterest, TrainingHub
    from tests.programmes.factories import HubOfferFactory

    cohort = CohortFactory()
    EnrolmentFactory(cohort=cohort)
    hub = HubOfferFactory().hub
    interest = _interest("Dee", visible=True)
    objects = {
        "programme": cohort.programme,
        "cohort": cohort,
        "enrolment": cohort.enrolments.first(),
        "traininghub": hub,
        "hubemailtemplate": HubEmailTemplate.objects.get(),
        "leadershipinterest": interest,
    }
    for model, obj in objects.items():
        assert coordinator_client.get(reverse(f"admin:programmes_{model}_changelist")).status_code == 200, model
        assert coordinator_client.get(reverse(f"admin:programmes_{model}_change", args=[obj.pk])).status_code == 200, model
    for model in ("programme", "cohort", "traininghub"):
        assert coordinator_client.get(reverse(f"admin:programmes_{model}_add")).status_code == 200, model
    assert coordinator_client.get(reverse("admin:members_area_changelist")).status_code == 200
    assert isinstance(hub, TrainingHub)
    assert LeadershipInterest.objects.count() == 1


def test_staff_create_a_programme_for_chosen_roles(coordinator_client):
    response = coordinator_client.post(
        reverse("admin:programmes_programme_add"),
        {"name": "New to partnership", "slug": "new-to-partnership", "description": "For new partners.",
         "kind": "cohort", "audience_roles": ["gp_partner"], "sessions_per_cohort": 4, "completion_minimum": 3},
    )
    assert response.status_code == 302
    assert Programme.objects.get(slug="new-to-partnership").audience_roles == ["gp_partner"]


def test_template_email_refuses_a_placeholder_we_cannot_fill(coordinator_client):
    template = HubEmailTemplate.objects.get()
    response = coordinator_client.post(
        reverse("admin:programmes_hubemailtemplate_change", args=[template.pk]),
        {"subject": "Training for {rank}", "body": "Dear {hub}"},
    )
    assert "{rank} is not something we can fill in" in response.content.decode()
    template.refresh_from_db()
    assert "{rank}" not in template.subject
