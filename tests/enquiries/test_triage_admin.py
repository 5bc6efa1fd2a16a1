"""The triage dashboard in the admin: permissions, steps, badge and filters, notes, export, overview, speed."""

import csv
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enquiries.models import StaffNote, Status
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.triage_support import admin_client, london, make_staff

pytestmark = pytest.mark.django_db

NOW = london(2026, 11, 23, 9, 0)  # a Monday morning
CHANGELIST = reverse("admin:enquiries_enquiry_changelist")
OVERVIEW = reverse("admin:enquiries_enquiry_overview")
EXPORT = reverse("admin:enquiries_enquiry_export")


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(NOW, tick=False)


def step_url(enquiry, step):
    return reverse("admin:enquiries_enquiry_step", args=[enquiry.pk, step])


def breached(**kwargs):
    return EnquiryFactory(
        submitted_at=london(2026, 11, 13, 10, 0), first_contact_due_at=london(2026, 11, 20, 17, 0), **kwargs
    )


def on_track(**kwargs):
    return EnquiryFactory(submitted_at=NOW, first_contact_due_at=london(2026, 11, 30, 17, 0), **kwargs)


def contacted(**kwargs):
    """First contact made the day before it was due (pass first_contact_at for a missed one)."""
    return EnquiryFactory(
        **{
            "submitted_at": london(2026, 11, 13, 10, 0),
            "first_contact_due_at": london(2026, 11, 20, 17, 0),
            "first_contact_at": london(2026, 11, 19, 11, 0),
            "status": Status.FIRST_CONTACT,
            **kwargs,
        }
    )


ACCESS_BY_GROUP = [("officer", 200), ("lead", 200), ("levy", 403), ("programme", 403), ("none", 403)]


def change_url(enquiry):
    return reverse("admin:enquiries_enquiry_change", args=[enquiry.pk])


def first_contact(at_time: str, method: str) -> dict[str, str]:
    return {"apply": "1", "date": "2026-11-23", "time": at_time, "method": method}


def action_names(response) -> set[str]:
    return {value for value, _ in response.context["action_form"].fields["action"].choices if value}


# --- Who can see and do what ---


@pytest.mark.parametrize(("kind", "status"), ACCESS_BY_GROUP)
def test_only_officers_and_the_triage_lead_open_the_dashboard(client, kind, status):
    assert admin_client(client, kind).get(CHANGELIST).status_code == status


@pytest.mark.parametrize(("kind", "status"), ACCESS_BY_GROUP)
def test_only_officers_and_the_triage_lead_see_the_support_overview(client, kind, status):
    assert admin_client(client, kind).get(OVERVIEW).status_code == status


def test_officer_works_enquiries_but_cannot_assign_others_or_close(client):
    on_track()
    response = admin_client(client, "officer").get(CHANGELIST)
    assert action_names(response) == {
        "take", "record_first_contact", "agree_plan", "start_facilitation", "escalate", "signpost",
    }


def test_triage_lead_can_also_assign_to_others_and_close(client):
    on_track()
    response = admin_client(client, "lead").get(CHANGELIST)
    assert action_names(response) == set(
        ["take", "assign", "record_first_contact", "agree_plan", "start_facilitation", "escalate", "close"]
        + ["restrict_to_officers", "lift_restriction"]
        + ["book_session", "signpost", "raise_allowance"]  # issue 15 (refused on a Leadership enquiry)
    )


@pytest.mark.parametrize("step", ["close", "assign"])
def test_officer_cannot_open_a_lead_only_step(client, step):
    enquiry = contacted()
    assert admin_client(client, "officer").get(step_url(enquiry, step)).status_code == 403


@pytest.mark.parametrize("kind", ["levy", "programme", "none"])
def test_staff_outside_triage_cannot_record_first_contact(client, kind):
    enquiry = on_track()
    response = admin_client(client, kind).post(
        step_url(enquiry, "record_first_contact"), first_contact("08:30", "phone")
    )
    assert response.status_code == 403
    enquiry.refresh_from_db()
    assert enquiry.first_contact_at is None


def test_nobody_can_add_or_delete_an_enquiry_in_the_admin(client):
    enquiry = on_track()
    lead = admin_client(client, "lead")
    assert lead.get(reverse("admin:enquiries_enquiry_add")).status_code == 403
    assert lead.get(reverse("admin:enquiries_enquiry_delete", args=[enquiry.pk])).status_code == 403


# --- Steps through the changelist and the enquiry page ---


def test_assign_to_me_from_the_changelist_asks_then_assigns(client):
    enquiry = breached()
    officer_client = admin_client(client, "officer")
    chosen = {"action": "take", "_selected_action": [enquiry.pk], "index": 0}

    confirm = officer_client.post(CHANGELIST, chosen)
    assert confirm.status_code == 200
    assert enquiry.reference in confirm.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.assigned_to is None  # nothing happens until confirmed

    done = officer_client.post(CHANGELIST, {"action": "take", "_selected_action": [enquiry.pk], "apply": "1"})
    assert done.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.assigned_to == officer_client.user
    assert enquiry.status == Status.TRIAGED
    assert enquiry.history.latest().history_user == officer_client.user


def test_lead_assigns_several_enquiries_to_an_officer(client):
    first, second = breached(), on_track()
    officer = make_staff("officer")
    lead_client = admin_client(client, "lead")
    response = lead_client.post(
        CHANGELIST, {"action": "assign", "_selected_action": [first.pk, second.pk], "apply": "1", "officer": officer.pk}
    )
    assert response.status_code == 302
    for enquiry in (first, second):
        enquiry.refresh_from_db()
        assert enquiry.assigned_to == officer
        assert enquiry.history.latest().history_user == lead_client.user


def test_record_first_contact_from_the_enquiry_page(client):
    enquiry = breached()
    officer_client = admin_client(client, "officer")
    response = officer_client.post(
        step_url(enquiry, "record_first_contact"), first_contact("08:15", "video")
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.first_contact_at == london(2026, 11, 23, 8, 15)
    assert enquiry.first_contact_method == "video"
    assert enquiry.history.latest().history_user == officer_client.user


def test_first_contact_in_the_future_is_refused_keeping_what_was_typed(client):
    enquiry = breached()
    response = admin_client(client, "officer").post(
        step_url(enquiry, "record_first_contact"), first_contact("11:45", "phone")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The first contact time is in the future" in page
    assert 'value="11:45"' in page
    enquiry.refresh_from_db()
    assert enquiry.first_contact_at is None


def test_missing_first_contact_fields_are_each_explained(client):
    enquiry = breached()
    response = admin_client(client, "officer").post(step_url(enquiry, "record_first_contact"), {"apply": "1"})
    page = response.content.decode()
    assert "Enter the date of the first contact." in page
    assert "Enter the time of the first contact" in page
    assert 'href="#id_method_0"' in page


def test_mediation_before_first_contact_is_refused_with_a_clear_message(client):
    enquiry = on_track()
    response = admin_client(client, "officer").post(step_url(enquiry, "escalate"), {"apply": "1", "note": "Partners no longer speak"})
    assert response.status_code == 200
    refusal = f"Record the first contact on {enquiry.reference} before escalating to mediation."
    assert refusal in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.status == Status.SUBMITTED


def test_escalating_to_mediation_offers_a_box_for_the_note_and_keeps_it_as_a_staff_note(client):
    enquiry = contacted()
    officer_client = admin_client(client, "officer")

    form = officer_client.get(step_url(enquiry, "escalate")).content.decode()
    officer_client.post(step_url(enquiry, "escalate"), {"apply": "1", "note": "Partners no longer speak"})

    assert '<textarea name="note"' in form
    assert 'for="id_note"' in form
    enquiry.refresh_from_db()
    assert enquiry.status == Status.MEDIATION
    assert list(enquiry.staff_notes.values_list("text", flat=True)) == ["Partners no longer speak"]


def test_mediation_without_a_note_asks_for_one(client):
    enquiry = contacted()

    response = admin_client(client, "officer").post(step_url(enquiry, "escalate"), {"apply": "1"})

    assert "Say why the enquiry needs mediation." in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.status != Status.MEDIATION


def test_refusals_for_some_selected_enquiries_are_reported_and_the_rest_done(client):
    ready, not_contacted = contacted(), on_track()
    officer_client = admin_client(client, "officer")
    response = officer_client.post(
        CHANGELIST, {"action": "escalate", "_selected_action": [ready.pk, not_contacted.pk], "apply": "1", "note": "Stalled"},
        follow=True,
    )
    page = response.content.decode()
    assert f"{ready.reference}: escalated to mediation." in page
    assert f"Record the first contact on {not_contacted.reference} before escalating to mediation." in page
    ready.refresh_from_db()
    not_contacted.refresh_from_db()
    assert (ready.status, not_contacted.status) == (Status.MEDIATION, Status.SUBMITTED)


def test_closing_without_an_outcome_is_refused(client):
    enquiry = contacted()
    response = admin_client(client, "lead").post(step_url(enquiry, "close"), {"apply": "1", "outcome": ""})
    assert "Enter the outcome before closing." in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.status == Status.FIRST_CONTACT


def test_lead_closes_with_an_outcome(client):
    enquiry = contacted()
    lead_client = admin_client(client, "lead")
    response = lead_client.post(step_url(enquiry, "close"), {"apply": "1", "outcome": "Partnership deed revised."})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Status.CLOSED
    assert enquiry.history.latest().history_user == lead_client.user


def test_agree_plan_and_move_to_facilitation_from_the_enquiry_page(client):
    enquiry = contacted()
    officer_client = admin_client(client, "officer")
    officer_client.post(step_url(enquiry, "agree_plan"), {"apply": "1", "plan": "Two facilitated meetings."})
    officer_client.post(step_url(enquiry, "start_facilitation"), {"apply": "1"})
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.plan) == (Status.FACILITATION, "Two facilitated meetings.")


# --- The change form: members' text read-only, notes by staff only ---


def test_members_text_cannot_be_rewritten_by_staff(client):
    enquiry = on_track(details="What the practice manager wrote.")
    lead_client = admin_client(client, "lead")
    url = change_url(enquiry)
    page = lead_client.get(url).content.decode()
    assert 'name="details"' not in page
    assert "What the practice manager wrote." in page

    lead_client.post(url, {"details": "Rewritten", "status": Status.CLOSED, **empty_notes()})
    enquiry.refresh_from_db()
    assert (enquiry.details, enquiry.status) == ("What the practice manager wrote.", Status.SUBMITTED)


def test_change_form_offers_only_the_steps_the_officer_may_take(client):
    enquiry = on_track()
    page = admin_client(client, "officer").get(change_url(enquiry)).content.decode()
    assert step_url(enquiry, "record_first_contact") in page
    assert step_url(enquiry, "close") not in page


def empty_notes(**extra):
    return {
        "staff_notes-TOTAL_FORMS": "1",
        "staff_notes-INITIAL_FORMS": "0",
        "staff_notes-MIN_NUM_FORMS": "0",
        "staff_notes-MAX_NUM_FORMS": "1000",
        **extra,
    }


def test_staff_note_gets_its_author_and_time_automatically(client):
    enquiry = on_track()
    officer_client = admin_client(client, "officer")
    url = change_url(enquiry)
    response = officer_client.post(url, empty_notes(**{"staff_notes-0-text": "Left a voicemail for the manager."}))
    assert response.status_code == 302
    note = StaffNote.objects.get(enquiry=enquiry)
    assert (note.author, note.created_at, note.text) == (officer_client.user, NOW, "Left a voicemail for the manager.")


def test_written_staff_notes_are_read_only(client):
    enquiry = on_track()
    author = make_staff("officer")
    StaffNote.objects.create(enquiry=enquiry, author=author, text="Original note", created_at=NOW)
    page = admin_client(client, "officer").get(change_url(enquiry)).content.decode()
    assert "Original note" in page
    assert page.count('name="staff_notes-')
    assert "staff_notes-0-text" not in page.split("Original note")[0]
    assert '<textarea name="staff_notes-0-text"' not in page


def test_change_form_shows_the_journey_history(client):
    enquiry = breached()
    lead_client = admin_client(client, "lead", first_name="Tara", last_name="Triage")
    lead_client.post(CHANGELIST, {"action": "take", "_selected_action": [enquiry.pk], "apply": "1"})
    page = lead_client.get(change_url(enquiry)).content.decode()
    assert "Took the enquiry" in page
    assert "<td>Tara Triage</td>" in page


# --- Badge, filters, order and search at a frozen moment ---


def badge_states(response) -> dict[str, str]:
    return {row.reference: row.sla_state for row in response.context["cl"].result_list}


def test_badge_shows_state_and_time_in_words(client):
    late = breached()
    soon = EnquiryFactory(submitted_at=london(2026, 11, 16, 10, 0), first_contact_due_at=london(2026, 11, 23, 12, 0))
    page = admin_client(client, "officer").get(CHANGELIST).content.decode()
    assert 'data-sla-state="breached">Breached</span> <span class="sla-words">overdue by 1 working day' in page
    assert 'data-sla-state="due_soon">Due soon</span> <span class="sla-words">due in 3 h' in page
    assert page.index(late.reference) < page.index(soon.reference)


def test_badge_for_enquiry_on_hold(client):
    EnquiryFactory(status=Status.ON_HOLD, first_contact_due_at=None, sla_started_at=None)
    page = admin_client(client, "officer").get(CHANGELIST).content.decode()
    assert 'data-sla-state="on_hold">On hold</span>' in page


@pytest.mark.parametrize("state", ["breached", "due_soon", "on_track", "met", "missed", "on_hold"])
def test_sla_filter_shows_only_that_state(client, state):
    made = {
        "breached": breached(),
        "due_soon": EnquiryFactory(
            submitted_at=london(2026, 11, 16, 10, 0), first_contact_due_at=london(2026, 11, 23, 17, 0)
        ),
        "on_track": on_track(),
        "met": contacted(),
        "missed": contacted(first_contact_at=london(2026, 11, 21, 10, 0)),
        "on_hold": EnquiryFactory(status=Status.ON_HOLD, first_contact_due_at=None, sla_started_at=None),
    }
    response = admin_client(client, "officer").get(CHANGELIST, {"sla": state})
    assert badge_states(response) == {made[state].reference: state}


def test_assigned_to_me_and_unassigned_filters(client):
    officer_client = admin_client(client, "officer")
    mine = on_track(assigned_to=officer_client.user, status=Status.TRIAGED)
    theirs = on_track(assigned_to=make_staff("officer"), status=Status.TRIAGED)
    nobody = on_track()
    assert set(badge_states(officer_client.get(CHANGELIST, {"assigned": "me"}))) == {mine.reference}
    assert set(badge_states(officer_client.get(CHANGELIST, {"assigned": "none"}))) == {nobody.reference}
    assert theirs.reference in badge_states(officer_client.get(CHANGELIST))


@pytest.mark.parametrize("term", ["LMS-2026-77777", "Riverside", "P81001"])
def test_search_by_reference_practice_name_or_ods_code(client, term):
    wanted = on_track(
        reference="LMS-2026-77777", practice__name="Riverside Medical Practice", practice__ods_code="P81001"
    )
    on_track()
    response = admin_client(client, "officer").get(CHANGELIST, {"q": term})
    assert set(badge_states(response)) == {wanted.reference}


def test_pcn_filter(client):
    wanted = on_track()
    on_track()
    response = admin_client(client, "officer").get(CHANGELIST, {"practice__pcn__id__exact": wanted.practice.pcn_id})
    assert set(badge_states(response)) == {wanted.reference}


# --- Speed: the query count does not grow with the rows ---


def changelist_queries(client, *, add: int, total: int) -> int:
    officer = make_staff("lead")
    for i in range(add):
        (breached if i % 3 == 0 else on_track)(assigned_to=officer if i % 2 else None)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, {"all": ""})
    assert len(response.context["cl"].result_list) == total
    return len(queries)


@pytest.mark.parametrize("rows", [10, 200])
def test_changelist_query_count_is_pinned(client, rows, django_assert_max_num_queries):
    officer = make_staff("lead")
    for i in range(rows):
        (breached if i % 3 == 0 else on_track)(assigned_to=officer if i % 2 else None)
    client.force_login(officer)
    # 8: session, user, TOTP check, the permission lookup (one query: User._read_permissions),
    # the sidebar's "is PCN support paused?" check, count, the PCN filter and the page of rows.
    # 9: the Service filter (issue 15) reads the services for its choices.
    with django_assert_max_num_queries(9):
        response = client.get(CHANGELIST, {"all": ""})
    assert len(response.context["cl"].result_list) == rows


def test_changelist_query_count_is_the_same_for_10_and_200_enquiries(client):
    small = changelist_queries(client, add=10, total=10)
    assert changelist_queries(client, add=190, total=200) == small


# --- CSV export ---


def export_rows(client, **params) -> list[dict[str, str]]:
    response = client.get(EXPORT, params)
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_export_without_the_details_permission_leaves_out_members_text(client):
    on_track(details="Confidential partnership dispute details", summary="Partner dispute")
    rows = export_rows(admin_client(client, "officer"))
    assert len(rows) == 1
    assert "Details" not in rows[0]
    assert "Summary" not in rows[0]
    assert "Confidential" not in str(rows)


def test_export_with_the_details_permission_includes_members_text(client):
    on_track(details="Confidential partnership dispute details")
    rows = export_rows(admin_client(client, "lead"))
    assert rows[0]["Details"] == "Confidential partnership dispute details"


def test_export_follows_the_changelist_filters(client):
    late = breached()
    on_track()
    rows = export_rows(admin_client(client, "officer"), sla="breached")
    assert [(row["Reference"], row["SLA state"]) for row in rows] == [(late.reference, "Breached")]


def test_export_defuses_spreadsheet_formulas_in_members_text(client):
    on_track(summary="=HYPERLINK(\"http://evil\")")
    rows = export_rows(admin_client(client, "lead"))
    assert rows[0]["Summary"].startswith("'=")


def test_export_is_refused_to_staff_outside_triage(client):
    assert admin_client(client, "levy").get(EXPORT).status_code == 403


# --- Support overview ---


def test_support_overview_renders_figures_and_chart_data(client):
    officer = make_staff("officer", first_name="Olivia", last_name="Officer")
    breached(assigned_to=officer, status=Status.TRIAGED)
    on_track()
    contacted(assigned_to=officer)
    response = admin_client(client, "lead").get(OVERVIEW)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<script id="support-overview-data" type="application/json">' in page
    assert "js/support_overview.js" in page
    assert "vendor/chart.js/chart.umd.js" in page
    assert "<th scope=\"row\">Olivia Officer</th><td>2</td><td>1</td>" in page
    assert response.context["figures"]["compliance"]["standard"][-1] == 50.0


def test_changelist_links_to_the_overview_and_the_filtered_export(client):
    page = admin_client(client, "officer").get(CHANGELIST, {"sla": "breached"}).content.decode()
    assert f'href="{OVERVIEW}"' in page
    assert f'href="{EXPORT}?sla=breached"' in page


def test_enquiries_admin_page_links_to_the_overview(client):
    page = admin_client(client, "officer").get(reverse("admin:app_list", args=["enquiries"])).content.decode()
    assert f'href="{OVERVIEW}"' in page


def test_support_overview_renders_with_no_enquiries_yet(client):
    response = admin_client(client, "officer").get(OVERVIEW)
    assert response.status_code == 200
    assert "No open enquiries." in response.content.decode()


@pytest.mark.parametrize("rows", [3, 60])
def test_support_overview_query_count_does_not_grow_with_enquiries(client, rows, django_assert_max_num_queries):
    officers = [make_staff("officer") for _ in range(3)]
    for i in range(rows):
        (breached if i % 2 else contacted)(assigned_to=officers[i % 3])
    lead_client = admin_client(client, "lead")
    # 10 for the page and its enquiry figures (see test_overview_summary.py; the permissions in one
    # query), 1 for the triage lead's PCN-pause notice, 1 for member voice's satisfaction chart.
    with django_assert_max_num_queries(12):
        lead_client.get(OVERVIEW)


def test_admin_home_links_officers_to_the_support_overview(client):
    officer_client = admin_client(client, "officer")

    content = officer_client.get("/" + settings.LMC_ADMIN_PATH).content.decode()

    assert reverse("admin:enquiries_enquiry_overview") in content


def test_admin_home_does_not_offer_the_overview_to_levy_staff(client):
    levy_client = admin_client(client, "levy")

    content = levy_client.get("/" + settings.LMC_ADMIN_PATH).content.decode()

    assert reverse("admin:enquiries_enquiry_overview") not in content


def test_the_changelist_is_titled_enquiries_triage(client):
    page = admin_client(client, "officer").get(CHANGELIST).content.decode()

    assert "<h1>Enquiries: triage</h1>" in page
    assert "Select enquiry to change" not in page


def test_change_form_tells_the_whole_story_as_one_timeline(client):
    from enquiries.models import EnquiryMessage, Reminder
    from enquiries.services.triage import staff_note_add

    enquiry = breached()
    lead_client = admin_client(client, "lead", first_name="Tara", last_name="Triage")
    lead_client.post(CHANGELIST, {"action": "take", "_selected_action": [enquiry.pk], "apply": "1"})
    from members.models import User

    lead = User.objects.get(first_name="Tara", last_name="Triage")
    staff_note_add(enquiry=enquiry, text="Rang the manager, no answer", author=lead)
    EnquiryMessage.objects.create(
        enquiry=enquiry, author=enquiry.submitted_by, from_lmc=False, text="Any news?", created_at=enquiry.submitted_at
    )
    Reminder.objects.create(
        enquiry=enquiry, kind=Reminder.Kind.BREACHED, first_contact_due_at=enquiry.first_contact_due_at,
        created_at=enquiry.first_contact_due_at,
    )

    page = lead_client.get(change_url(enquiry)).content.decode()

    story = page.split('class="journey-history"')[1].split("</table>")[0]
    for words in ("Assigned to Tara Triage", "Rang the manager, no answer", "Any news?", "Reminder sent: First contact overdue"):
        assert words in story
    assert "Submitted" in story
