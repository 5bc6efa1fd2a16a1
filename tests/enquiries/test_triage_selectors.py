"""SLA state computed in the database at a frozen moment, the triage order and the overview figures."""

from datetime import timedelta

import pytest

from enquiries.models import Status, Topic
from enquiries.selectors import enquiry_list_for_triage, support_overview
from enquiries.sla import sla_in_words, working_days_between
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.triage_support import london, make_staff

pytestmark = pytest.mark.django_db

NOW = london(2026, 11, 23, 9, 0)  # a Monday morning


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(NOW, tick=False)


def open_enquiry(due, **kwargs):
    return EnquiryFactory(submitted_at=due - timedelta(days=7), first_contact_due_at=due, **kwargs)


def states():
    return dict(enquiry_list_for_triage(now=NOW).values_list("reference", "sla_state"))


def test_open_enquiry_past_its_due_time_is_breached():
    enquiry = open_enquiry(london(2026, 11, 20, 17, 0))
    assert states()[enquiry.reference] == "breached"


def test_standard_enquiry_due_within_24_hours_is_due_soon():
    enquiry = open_enquiry(NOW + timedelta(hours=24))
    assert states()[enquiry.reference] == "due_soon"


def test_standard_enquiry_due_in_more_than_24_hours_is_on_track():
    enquiry = open_enquiry(NOW + timedelta(hours=24, minutes=1))
    assert states()[enquiry.reference] == "on_track"


def test_urgent_enquiry_is_due_soon_only_within_12_hours():
    soon = open_enquiry(NOW + timedelta(hours=11), urgent_case=True)
    later = open_enquiry(NOW + timedelta(hours=13), urgent_case=True)
    assert states()[soon.reference] == "due_soon"
    assert states()[later.reference] == "on_track"


def test_first_contact_by_the_due_time_is_met_even_after_it_passes():
    enquiry = open_enquiry(
        london(2026, 11, 20, 17, 0), first_contact_at=london(2026, 11, 20, 17, 0), status=Status.FIRST_CONTACT
    )
    assert states()[enquiry.reference] == "met"


def test_first_contact_after_the_due_time_is_missed():
    enquiry = open_enquiry(
        london(2026, 11, 20, 17, 0), first_contact_at=london(2026, 11, 20, 17, 1), status=Status.FIRST_CONTACT
    )
    assert states()[enquiry.reference] == "missed"


def test_enquiry_held_while_pcn_support_is_paused_is_on_hold():
    enquiry = EnquiryFactory(status=Status.ON_HOLD, first_contact_due_at=None, sla_started_at=None)
    assert states()[enquiry.reference] == "on_hold"


def test_triage_order_puts_breached_first_then_soonest_due_and_closed_last():
    closed = open_enquiry(
        london(2026, 11, 10, 17, 0),
        first_contact_at=london(2026, 11, 9, 12, 0),
        status=Status.CLOSED,
        outcome="Resolved",
        closed_at=london(2026, 11, 20, 12, 0),
    )
    held = EnquiryFactory(status=Status.ON_HOLD, first_contact_due_at=None, sla_started_at=None)
    in_progress = open_enquiry(
        london(2026, 11, 18, 17, 0), first_contact_at=london(2026, 11, 17, 12, 0), status=Status.FIRST_CONTACT
    )
    later = open_enquiry(NOW + timedelta(days=3))
    soon = open_enquiry(NOW + timedelta(hours=5))
    breached = open_enquiry(NOW - timedelta(hours=1))
    more_breached = open_enquiry(NOW - timedelta(days=2))

    order = list(enquiry_list_for_triage(now=NOW))

    assert order == [more_breached, breached, soon, later, in_progress, held, closed]


def test_overview_counts_open_enquiries_by_state_and_officer():
    officer = make_staff("officer", first_name="Olivia", last_name="Officer")
    open_enquiry(NOW - timedelta(hours=1), assigned_to=officer, status=Status.TRIAGED)
    open_enquiry(NOW + timedelta(hours=2), assigned_to=officer, status=Status.TRIAGED)
    open_enquiry(NOW + timedelta(days=4))

    figures = support_overview(now=NOW)

    by_state = {row["state"]: row["count"] for row in figures["by_state"]}
    assert by_state == {"on_track": 1, "due_soon": 1, "breached": 1, "met": 0, "missed": 0, "on_hold": 0}
    assert figures["per_officer"] == [
        {"name": "Olivia Officer", "open": 2, "breached": 1},
        {"name": "Unassigned", "open": 1, "breached": 0},
    ]


def test_overview_monthly_compliance_separates_urgent_and_standard():
    # October: two standard due, one met; one urgent due, met.
    open_enquiry(london(2026, 10, 5, 17, 0), first_contact_at=london(2026, 10, 5, 9, 0), status=Status.FIRST_CONTACT)
    open_enquiry(london(2026, 10, 6, 17, 0), first_contact_at=london(2026, 10, 8, 9, 0), status=Status.FIRST_CONTACT)
    open_enquiry(
        london(2026, 10, 31, 23, 30), urgent_case=True,
        first_contact_at=london(2026, 10, 31, 20, 0), status=Status.FIRST_CONTACT,
    )
    # November: one standard breached (counts against), one not yet due (not counted).
    open_enquiry(london(2026, 11, 20, 17, 0))
    open_enquiry(NOW + timedelta(days=2))

    compliance = support_overview(now=NOW)["compliance"]

    assert compliance["labels"][0] == "Dec 2025"
    assert compliance["labels"][-2:] == ["Oct 2026", "Nov 2026"]
    assert compliance["standard"][-2:] == [50.0, 0.0]
    assert compliance["urgent"][-2:] == [100.0, None]
    assert compliance["counts_standard"][-2:] == [2, 1]


def test_overview_counts_enquiries_per_topic_in_the_last_year():
    EnquiryFactory(topic=Topic.PREMISES, submitted_at=NOW - timedelta(days=3))
    EnquiryFactory(topic=Topic.PREMISES, submitted_at=NOW - timedelta(days=30))
    EnquiryFactory(topic=Topic.PREMISES, submitted_at=NOW - timedelta(days=400))

    per_topic = support_overview(now=NOW)["per_topic"]

    assert dict(zip(per_topic["labels"], per_topic["counts"], strict=True))["Premises"] == 2


# --- time in words (the badge) ---


def test_words_for_an_enquiry_due_later_today():
    assert sla_in_words(state="due_soon", due=NOW + timedelta(hours=3, minutes=20), first_contact_at=None, now=NOW) == (
        "due in 3 h"
    )


def test_words_for_an_enquiry_due_in_working_days():
    # Due Friday 17:00, seen on Monday 09:00: four working days away.
    assert sla_in_words(state="on_track", due=london(2026, 11, 27, 17, 0), first_contact_at=None, now=NOW) == (
        "due in 4 working days"
    )


def test_overdue_across_a_weekend_counts_working_days_only():
    # Due Friday 17:00, now Monday 09:00: the weekend does not count.
    assert sla_in_words(state="breached", due=london(2026, 11, 20, 17, 0), first_contact_at=None, now=NOW) == (
        "overdue by 1 working day"
    )


def test_overdue_by_less_than_a_day_is_in_hours():
    assert sla_in_words(state="breached", due=NOW - timedelta(hours=2), first_contact_at=None, now=NOW) == (
        "overdue by 2 h"
    )


def test_christmas_bank_holidays_are_not_working_days():
    # 24 Dec 2026 (Thu) to 29 Dec 2026 (Tue): 25 Dec and the 28 Dec Boxing Day substitute are holidays.
    assert working_days_between(london(2026, 12, 24).date(), london(2026, 12, 29).date()) == 1


def test_words_for_met_missed_and_on_hold():
    due = london(2026, 11, 20, 17, 0)
    assert sla_in_words(state="met", due=due, first_contact_at=due, now=NOW) == "first contact on time"
    assert sla_in_words(state="missed", due=due, first_contact_at=NOW, now=NOW) == "first contact 1 working day late"
    assert sla_in_words(state="on_hold", due=None, first_contact_at=None, now=NOW) == (
        "no due time while PCN support is paused"
    )


@pytest.mark.postgres
def test_dashboard_default_page_is_read_from_the_triage_index_not_sorted():
    """With years of enquiries, the first page comes from enq_triage_order_idx, not a sort of every row."""
    from django.db import connection
    from django.utils import timezone

    from enquiries.models import Enquiry
    from enquiries.selectors.staff import TRIAGE_ORDERING
    from tests.enquiries.test_reminders_cost import history
    from tests.factories import PracticeFactory

    now = timezone.now()
    practice = PracticeFactory()
    history(20_000, practice=practice, now=now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enquiries_enquiry")

    plan = Enquiry.objects.order_by(*TRIAGE_ORDERING)[:50].explain()

    assert "enq_triage_order_idx" in plan
    assert "Sort" not in plan.splitlines()[0]
    assert "Seq Scan on enquiries_enquiry" not in plan


def test_overview_leaves_a_restricted_enquiry_out_of_every_figure_for_an_officer_not_named():
    from enquiries.services import enquiry_restrict

    lead = make_staff("lead")
    named = make_staff("officer", first_name="Nadia", last_name="Named")
    other = make_staff("officer")
    restricted = open_enquiry(
        london(2026, 11, 20, 17, 0), topic=Topic.PREMISES, assigned_to=named, status=Status.TRIAGED
    )
    restricted.submitted_at = NOW - timedelta(days=3)
    restricted.save()
    enquiry_restrict(enquiry=restricted, officers=[named], by=lead)

    hidden = support_overview(now=NOW, visible_to=other)
    seen = support_overview(now=NOW, visible_to=named)

    def premises(figures):
        return dict(zip(figures["per_topic"]["labels"], figures["per_topic"]["counts"], strict=True))["Premises"]

    assert premises(hidden) == 0
    assert premises(seen) == 1
    assert sum(row["count"] for row in hidden["by_state"]) == 0
    assert sum(row["count"] for row in seen["by_state"]) == 1
    assert hidden["per_officer"] == []
    assert sum(hidden["compliance"]["counts_standard"]) == 0
    assert sum(seen["compliance"]["counts_standard"]) == 1
