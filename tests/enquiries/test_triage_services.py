"""The staff journey: each step's happy path, its refusals and the history it leaves."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from enquiries.models import StaffNote, Status
from enquiries.services import (
    enquiry_agree_plan,
    enquiry_assign,
    enquiry_close,
    enquiry_escalate_to_mediation,
    enquiry_record_first_contact,
    enquiry_start_facilitation,
    staff_note_add,
)
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.triage_support import london, make_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SUBMITTED = london(2026, 11, 20, 10, 0)


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(london(2026, 11, 23, 9, 0), tick=False)


@pytest.fixture
def officer():
    return make_staff("officer", first_name="Olivia", last_name="Officer")


@pytest.fixture
def enquiry():
    return EnquiryFactory(submitted_at=SUBMITTED, first_contact_due_at=london(2026, 11, 27, 17, 0))


def contacted(officer, **kwargs):
    enquiry = EnquiryFactory(submitted_at=SUBMITTED, first_contact_due_at=london(2026, 11, 27, 17, 0), **kwargs)
    return enquiry_record_first_contact(enquiry=enquiry, at=london(2026, 11, 23, 8, 30), method="phone", by=officer)


def test_assigning_a_received_enquiry_marks_it_assigned(enquiry, officer):
    lead = make_staff("lead")
    enquiry = enquiry_assign(enquiry=enquiry, officer=officer, by=lead)
    assert enquiry.assigned_to == officer
    assert enquiry.status == Status.TRIAGED


def test_assignment_is_recorded_in_history_with_who_and_why(enquiry, officer):
    lead = make_staff("lead")
    enquiry_assign(enquiry=enquiry, officer=officer, by=lead)
    latest = enquiry.history.latest()
    assert latest.history_user == lead
    assert latest.history_change_reason == "Assigned to Olivia Officer"
    assert latest.assigned_to_id == officer.pk


def test_cannot_assign_to_someone_who_does_not_work_enquiries(enquiry, officer):
    with pytest.raises(ValidationError, match="cannot work enquiries"):
        enquiry_assign(enquiry=enquiry, officer=make_staff("levy"), by=officer)
    with pytest.raises(ValidationError, match="cannot work enquiries"):
        enquiry_assign(enquiry=enquiry, officer=UserFactory(), by=officer)


def test_reassigning_an_enquiry_in_progress_keeps_its_status(officer):
    enquiry = contacted(officer)
    other = make_staff("officer")
    enquiry = enquiry_assign(enquiry=enquiry, officer=other, by=make_staff("lead"))
    assert enquiry.status == Status.FIRST_CONTACT
    assert enquiry.assigned_to == other


def test_officer_cannot_take_an_enquiry_assigned_to_a_colleague(enquiry, officer):
    colleague = make_staff("officer", first_name="Owen", last_name="Okafor")
    enquiry = enquiry_assign(enquiry=enquiry, officer=colleague, by=colleague)
    with pytest.raises(ValidationError, match="assigned to Owen Okafor: ask the triage lead"):
        enquiry_assign(enquiry=enquiry, officer=officer, by=officer)
    enquiry.refresh_from_db()
    assert enquiry.assigned_to == colleague


def test_triage_lead_can_reassign_from_one_officer_to_another(enquiry, officer):
    colleague = make_staff("officer")
    enquiry = enquiry_assign(enquiry=enquiry, officer=colleague, by=colleague)
    enquiry = enquiry_assign(enquiry=enquiry, officer=officer, by=make_staff("lead"))
    assert enquiry.assigned_to == officer


def test_first_contact_is_recorded_with_time_method_and_officer(enquiry, officer):
    at = london(2026, 11, 23, 8, 30)
    enquiry = enquiry_record_first_contact(enquiry=enquiry, at=at, method="video", by=officer)
    assert enquiry.status == Status.FIRST_CONTACT
    assert enquiry.first_contact_at == at
    assert enquiry.first_contact_method == "video"
    assert enquiry.assigned_to == officer  # it was unassigned: the officer who called takes it
    assert enquiry.history.latest().history_user == officer


def test_first_contact_in_the_future_is_refused(enquiry, officer):
    with pytest.raises(ValidationError, match="in the future"):
        enquiry_record_first_contact(enquiry=enquiry, at=london(2026, 11, 23, 10, 0), method="phone", by=officer)
    enquiry.refresh_from_db()
    assert enquiry.first_contact_at is None


def test_first_contact_before_submission_is_refused(enquiry, officer):
    with pytest.raises(ValidationError, match="before .* was submitted"):
        enquiry_record_first_contact(enquiry=enquiry, at=SUBMITTED - timedelta(hours=1), method="phone", by=officer)


def test_first_contact_cannot_be_recorded_twice(officer):
    enquiry = contacted(officer)
    with pytest.raises(ValidationError, match="already recorded"):
        enquiry_record_first_contact(enquiry=enquiry, at=london(2026, 11, 23, 8, 45), method="phone", by=officer)


def test_first_contact_on_an_enquiry_on_hold_is_refused(officer):
    enquiry = EnquiryFactory(status=Status.ON_HOLD, first_contact_due_at=None, sla_started_at=None)
    with pytest.raises(ValidationError, match="on hold"):
        enquiry_record_first_contact(enquiry=enquiry, at=london(2026, 11, 23, 8, 30), method="phone", by=officer)


def test_plan_is_agreed_after_first_contact(officer):
    enquiry = enquiry_agree_plan(enquiry=contacted(officer), plan="  Two facilitated partner meetings.  ", by=officer)
    assert enquiry.status == Status.PLAN_AGREED
    assert enquiry.plan == "Two facilitated partner meetings."
    assert enquiry.history.latest().history_change_reason == "Plan agreed"


def test_plan_before_first_contact_is_refused(enquiry, officer):
    with pytest.raises(ValidationError, match="Record the first contact"):
        enquiry_agree_plan(enquiry=enquiry, plan="A plan", by=officer)


def test_blank_plan_is_refused(officer):
    with pytest.raises(ValidationError, match="Enter the plan"):
        enquiry_agree_plan(enquiry=contacted(officer), plan="   ", by=officer)


def test_facilitation_follows_an_agreed_plan(officer):
    enquiry = enquiry_agree_plan(enquiry=contacted(officer), plan="Meetings", by=officer)
    enquiry = enquiry_start_facilitation(enquiry=enquiry, by=officer)
    assert enquiry.status == Status.FACILITATION


def test_facilitation_without_a_plan_is_refused(officer):
    with pytest.raises(ValidationError, match="Agree a plan"):
        enquiry_start_facilitation(enquiry=contacted(officer), by=officer)


def test_escalation_to_mediation_after_first_contact(officer):
    enquiry = enquiry_escalate_to_mediation(enquiry=contacted(officer), by=officer)
    assert enquiry.status == Status.MEDIATION
    assert enquiry.history.latest().history_change_reason == "Escalated to mediation"


def test_mediation_before_first_contact_is_refused(enquiry, officer):
    with pytest.raises(ValidationError, match="Record the first contact on .* before escalating to mediation"):
        enquiry_escalate_to_mediation(enquiry=enquiry, by=officer)
    enquiry.refresh_from_db()
    assert enquiry.status == Status.SUBMITTED


def test_close_with_outcome(officer):
    enquiry = enquiry_close(enquiry=contacted(officer), outcome="Partnership agreement signed.", by=officer)
    assert enquiry.status == Status.CLOSED
    assert enquiry.outcome == "Partnership agreement signed."
    assert enquiry.closed_at == london(2026, 11, 23, 9, 0)


def test_closing_without_an_outcome_is_refused(officer):
    enquiry = contacted(officer)
    with pytest.raises(ValidationError, match="Enter the outcome"):
        enquiry_close(enquiry=enquiry, outcome=" ", by=officer)
    enquiry.refresh_from_db()
    assert enquiry.status == Status.FIRST_CONTACT


def test_closing_before_first_contact_is_refused(enquiry, officer):
    with pytest.raises(ValidationError, match="Record the first contact"):
        enquiry_close(enquiry=enquiry, outcome="Withdrawn", by=officer)


def test_nothing_more_can_be_recorded_on_a_closed_enquiry(officer):
    enquiry = enquiry_close(enquiry=contacted(officer), outcome="Resolved", by=officer)
    with pytest.raises(ValidationError, match="is closed"):
        enquiry_escalate_to_mediation(enquiry=enquiry, by=officer)
    with pytest.raises(ValidationError, match="is closed"):
        enquiry_assign(enquiry=enquiry, officer=officer, by=officer)


def test_history_keeps_every_step_with_who_did_it(enquiry, officer):
    lead = make_staff("lead")
    enquiry = enquiry_assign(enquiry=enquiry, officer=officer, by=lead)
    enquiry = enquiry_record_first_contact(enquiry=enquiry, at=london(2026, 11, 23, 8, 0), method="phone", by=officer)
    enquiry = enquiry_close(enquiry=enquiry, outcome="Advice given", by=lead)
    steps = [
        (h.history_user, h.status, h.history_change_reason)
        for h in enquiry.history.order_by("history_date", "history_id")
        if h.history_type == "~"
    ]
    assert steps == [
        (lead, Status.TRIAGED, "Assigned to Olivia Officer"),
        (officer, Status.FIRST_CONTACT, "First contact recorded (phone call)"),
        (lead, Status.CLOSED, "Closed"),
    ]


def test_staff_note_records_author_and_time(enquiry, officer):
    note = staff_note_add(enquiry=enquiry, text=" Partner dispute escalating; call again Friday. ", author=officer)
    assert note.author == officer
    assert note.created_at == london(2026, 11, 23, 9, 0)
    assert note.text == "Partner dispute escalating; call again Friday."


def test_empty_staff_note_is_refused(enquiry, officer):
    with pytest.raises(ValidationError, match="Enter the note"):
        staff_note_add(enquiry=enquiry, text="  ", author=officer)
    assert not StaffNote.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_taking_the_same_enquiry_at_once_get_one_each_way(officer):
    """The row lock makes the second officer wait, see the first's assignment and be refused."""
    import threading

    from django.db import connection

    colleague = make_staff("officer")
    enquiry = EnquiryFactory(submitted_at=SUBMITTED, first_contact_due_at=london(2026, 11, 27, 17, 0))
    barrier = threading.Barrier(2)
    outcomes = []

    def take(user):
        try:
            barrier.wait()
            enquiry_assign(enquiry=enquiry, officer=user, by=user)
            outcomes.append("assigned")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(user,)) for user in (officer, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["assigned", "refused"]
    enquiry.refresh_from_db()
    assert enquiry.history.filter(history_type="~").count() == 1
