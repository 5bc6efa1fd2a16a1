"""The support overview's monthly summary (kept by beat) gives the same figures as counting every enquiry live.

The oracle below counts the enquiries a viewer may see one by one, through
the triage list's own visibility rule (`enquiry_list_for_staff`), so it does
not share the overview's summary, its live counts or its subtraction of
hidden enquiries.
"""

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from enquiries.models import Enquiry, OverviewMonth, OverviewMonthCount, Status, SupportService, Topic
from enquiries.months import month_bounds, month_of, month_window
from enquiries.selectors import (
    enquiries_hidden_from_staff,
    enquiries_visible_to_staff,
    enquiry_list_for_staff,
    support_overview,
    support_services_visible_to_staff,
)
from enquiries.services import (
    conflict_declare,
    enquiry_record_first_contact,
    enquiry_restrict,
    overview_months_summarise,
)
from enquiries.sla import SlaState
from enquiries.tasks import summarise_overview_months
from members.groups import PASTORAL_SUPPORT
from members.models import Membership
from tests.enquiries.factories import EnquiryFactory, PastoralEnquiryFactory
from tests.enquiries.triage_support import london, make_staff
from tests.factories import MembershipFactory, PCNFactory, PracticeFactory

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("admin:enquiries_enquiry_overview")
# November 2026 closed at midnight; the summary ran at 00:20.
MONTH_CLOSED = london(2026, 12, 1, 0, 20)
NOW = london(2026, 12, 1, 10, 0)
COUNTED = {SlaState.MET, SlaState.MISSED, SlaState.BREACHED}


def due_on(due, **kwargs):
    """An enquiry whose first contact was due at `due`, submitted a week before."""
    return EnquiryFactory(submitted_at=due - timedelta(days=7), first_contact_due_at=due, **kwargs)


def contacted(due, at, **kwargs):
    return due_on(due, first_contact_at=at, status=Status.FIRST_CONTACT, **kwargs)


def closed(due, at, **kwargs):
    return due_on(
        due, first_contact_at=at, status=Status.CLOSED, outcome="Resolved", closed_at=at + timedelta(days=3), **kwargs
    )


def oracle(user, now) -> dict:
    """Every figure, counted one visible enquiry at a time."""
    window = month_window(now, 12)
    since = month_bounds(window[0])[0]
    by_state: Counter = Counter()
    officers: dict = defaultdict(lambda: [0, 0])
    compliance: dict = defaultdict(lambda: [0, 0])
    topics: Counter = Counter()
    for enquiry in enquiry_list_for_staff(user=user, now=now).select_related("assigned_to"):
        state = enquiry.sla_state
        if enquiry.status != Status.CLOSED:
            by_state[state] += 1
            officer = enquiry.assigned_to
            name = (officer.get_full_name() or officer.email) if officer else "Unassigned"
            officers[name][0] += 1
            officers[name][1] += state == SlaState.BREACHED
        if enquiry.submitted_at >= since:
            topics[enquiry.get_topic_display()] += 1
        due = enquiry.first_contact_due_at
        if due is not None and since <= due <= now and state in COUNTED:
            compliance[(f"{month_of(due):%b %Y}", enquiry.urgent)][0] += 1
            compliance[(f"{month_of(due):%b %Y}", enquiry.urgent)][1] += state == SlaState.MET
    return {
        "by_state": {state.value: by_state[state.value] for state in SlaState},
        "per_officer": {name: tuple(counts) for name, counts in officers.items()},
        "compliance": {
            (label, urgent): (total, round(100 * met / total, 1))
            for (label, urgent), (total, met) in compliance.items()
        },
        "per_topic": {label: n for label, n in topics.items()},
    }


def shown(figures) -> dict:
    """The overview's figures in the oracle's shape."""
    compliance = figures["compliance"]
    shown_compliance = {}
    for urgent, kind in [(True, "urgent"), (False, "standard")]:
        for label, percent, total in zip(
            compliance["labels"], compliance[kind], compliance[f"counts_{kind}"], strict=True
        ):
            if total:
                shown_compliance[(label, urgent)] = (total, percent)
    return {
        "by_state": {row["state"]: row["count"] for row in figures["by_state"]},
        "per_officer": {row["name"]: (row["open"], row["breached"]) for row in figures["per_officer"]},
        "compliance": shown_compliance,
        "per_topic": {
            label: n for label, n in zip(figures["per_topic"]["labels"], figures["per_topic"]["counts"], strict=True) if n
        },
    }


@pytest.fixture
def people(db):
    lead = make_staff("lead", first_name="Lena", last_name="Lead")
    named = make_staff("officer", first_name="Nadia", last_name="Named")
    other = make_staff("officer", first_name="Omar", last_name="Other")
    conflicted = make_staff("officer", first_name="Cara", last_name="Conflicted")
    pastoral = make_staff("officer", first_name="Pat", last_name="Pastoral")
    pastoral.groups.add(Group.objects.get(name=PASTORAL_SUPPORT))
    pastoral_only = make_staff("none", first_name="Polly", last_name="Pastoral-only")
    pastoral_only.groups.add(Group.objects.get(name=PASTORAL_SUPPORT))
    return {
        "lead": lead,
        "named": named,
        "other": other,
        "conflicted": conflicted,
        "pastoral": pastoral,
        "pastoral_only": pastoral_only,
    }


@pytest.fixture
def history(people, time_machine):
    """Enquiries over October, November and December 2026 of every kind the overview counts."""
    time_machine.move_to(london(2026, 11, 29, 12, 0), tick=False)
    named, other, lead = people["named"], people["other"], people["lead"]
    # October and November, leadership: met, missed, breached, urgent, closed, other topics.
    contacted(london(2026, 10, 5, 17), london(2026, 10, 5, 9), assigned_to=named)
    closed(london(2026, 10, 20, 17), london(2026, 10, 22, 9), topic=Topic.PREMISES)
    due_on(london(2026, 11, 3, 17), assigned_to=other, status=Status.TRIAGED)  # breached
    contacted(london(2026, 11, 10, 17), london(2026, 11, 12, 9), assigned_to=other)  # missed
    contacted(london(2026, 11, 30, 23, 30), london(2026, 11, 30, 20), urgent_case=True, assigned_to=named)
    due_on(london(2026, 11, 28, 10), urgent_case=True, topic=Topic.WORKFORCE)  # urgent breached
    closed(london(2026, 11, 16, 17), london(2026, 11, 16, 9), topic=Topic.WORKFORCE)
    # A year and more ago: outside the window.
    closed(london(2025, 10, 6, 17), london(2025, 10, 6, 9))
    # Pastoral: only the pastoral group sees these.
    PastoralEnquiryFactory(
        submitted_at=london(2026, 11, 2, 9), first_contact_due_at=london(2026, 11, 4, 17),
        first_contact_at=london(2026, 11, 4, 9), status=Status.FIRST_CONTACT, assigned_to=people["pastoral"],
    )
    PastoralEnquiryFactory(submitted_at=london(2026, 11, 24, 9), first_contact_due_at=london(2026, 11, 26, 17))
    # Restricted to Nadia (and the lead who restricts): breached in November.
    restricted = due_on(london(2026, 11, 18, 17), topic=Topic.PREMISES, assigned_to=named, status=Status.TRIAGED)
    enquiry_restrict(enquiry=restricted, officers=[named], by=lead)
    # Conflicts: Cara is a partner at one practice and declared a conflict with another's PCN.
    own_practice = PracticeFactory()
    MembershipFactory(user=people["conflicted"], practice=own_practice, role=Membership.Role.GP_PARTNER)
    contacted(london(2026, 11, 9, 17), london(2026, 11, 9, 10), practice=own_practice, assigned_to=other)
    closed(london(2026, 10, 14, 17), london(2026, 10, 16, 9), practice=own_practice, topic=Topic.PREMISES)
    pcn = PCNFactory()
    conflict_declare(officer=people["conflicted"], pcn=pcn, reason="Spouse is clinical director.", by=lead)
    due_on(london(2026, 11, 23, 17), practice=PracticeFactory(pcn=pcn))  # breached, in the PCN
    due_on(london(2026, 11, 25, 17), practice=PracticeFactory(pcn=None), scope="pcn", pcn=pcn)  # about the PCN
    # December, the open month: on track, due soon, met early, breached this morning.
    time_machine.move_to(NOW, tick=False)
    due_on(NOW + timedelta(days=4))
    due_on(NOW + timedelta(hours=5), assigned_to=named, status=Status.TRIAGED)
    contacted(NOW + timedelta(days=2), NOW - timedelta(hours=1), assigned_to=other)
    due_on(london(2026, 12, 1, 9), urgent_case=True)
    EnquiryFactory(status=Status.ON_HOLD, first_contact_due_at=None, sla_started_at=None, scope="pcn",
                   practice=PracticeFactory(), pcn=PCNFactory())


VIEWERS = ["lead", "named", "other", "conflicted", "pastoral", "pastoral_only"]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_figures_from_the_summary_match_counting_every_enquiry_after_a_month_closes(people, history, viewer):
    user = people[viewer]
    live = support_overview(now=NOW, visible_to=user)

    assert overview_months_summarise(now=MONTH_CLOSED) == 11  # every month of the window but December
    summarised = support_overview(now=NOW, visible_to=user)

    assert shown(summarised) == shown(live) == oracle(user, NOW)
    assert summarised == live


def test_the_summary_keeps_closed_months_and_the_open_month_up_to_midnight(history, time_machine):
    overview_months_summarise(now=MONTH_CLOSED)
    november = OverviewMonth.objects.get(month=london(2026, 11, 1).date())
    assert november.summarised_until == london(2026, 12, 1)
    assert not OverviewMonth.objects.filter(month=london(2026, 12, 1).date()).exists()

    overview_months_summarise(now=london(2026, 12, 3, 0, 20))

    december = OverviewMonth.objects.get(month=london(2026, 12, 1).date())
    assert december.summarised_until == london(2026, 12, 3)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_figures_still_match_on_a_later_day_with_part_of_the_open_month_summarised(people, history, time_machine, viewer):
    later = london(2026, 12, 3, 15, 0)
    time_machine.move_to(later, tick=False)
    due_on(london(2026, 12, 2, 17), assigned_to=people["other"], status=Status.TRIAGED)  # breached yesterday
    due_on(london(2026, 12, 3, 12), topic=Topic.PREMISES)  # breached today (counted live)
    overview_months_summarise(now=london(2026, 12, 3, 0, 20))

    assert shown(support_overview(now=later, visible_to=people[viewer])) == oracle(people[viewer], later)


def test_first_contact_recorded_late_changes_a_closed_month_after_the_nightly_recount(people, history, time_machine):
    lead = people["lead"]
    overview_months_summarise(now=MONTH_CLOSED)
    breached = Enquiry.objects.get(first_contact_due_at=london(2026, 11, 3, 17))
    assert shown(support_overview(now=NOW, visible_to=lead))["compliance"][("Nov 2026", False)] == (7, 28.6)

    # On 2 December the officer records the call they made on 3 November, before it was due: met after all.
    time_machine.move_to(london(2026, 12, 2, 11), tick=False)
    enquiry_record_first_contact(enquiry=breached, at=london(2026, 11, 3, 15), method="phone", by=lead)
    time_machine.move_to(london(2026, 12, 3, 0, 20), tick=False)
    summarise_overview_months()

    now = london(2026, 12, 3, 9)
    assert shown(support_overview(now=now, visible_to=lead)) == oracle(lead, now)
    assert shown(support_overview(now=now, visible_to=lead))["compliance"][("Nov 2026", False)] == (7, 42.9)


def test_a_restriction_or_conflict_after_the_month_was_summarised_applies_at_once(people, history, time_machine):
    overview_months_summarise(now=MONTH_CLOSED)
    other, lead = people["other"], people["lead"]
    missed = Enquiry.objects.get(first_contact_due_at=london(2026, 11, 10, 17))
    enquiry_restrict(enquiry=missed, officers=[other], by=lead)
    conflict_declare(officer=people["named"], practice=missed.practice, reason="New partner.", by=lead)

    for viewer in VIEWERS:
        assert shown(support_overview(now=NOW, visible_to=people[viewer])) == oracle(people[viewer], NOW), viewer


def test_recounting_twice_keeps_one_copy_of_each_figure(history):
    summarise_overview_months()
    overview_months_summarise(now=MONTH_CLOSED)
    first = sorted(OverviewMonthCount.objects.values_list(
        "summary__month", "service_id", "topic", "urgent", "submitted", "first_contact_due", "first_contact_met"
    ))

    overview_months_summarise(now=MONTH_CLOSED)

    assert sorted(OverviewMonthCount.objects.values_list(
        "summary__month", "service_id", "topic", "urgent", "submitted", "first_contact_due", "first_contact_met"
    )) == first
    assert OverviewMonth.objects.count() == 11


def test_hidden_enquiries_are_exactly_those_the_viewer_may_not_see(people, history):
    for viewer, user in people.items():
        theirs = Enquiry.objects.filter(service__in=support_services_visible_to_staff(user=user))
        hidden = set(enquiries_hidden_from_staff(user=user, queryset=theirs))
        assert hidden == set(theirs) - set(enquiries_visible_to_staff(user=user, queryset=theirs)), viewer
        assert set(enquiries_visible_to_staff(user=user)) == set(theirs) - hidden, viewer


def _many(count: int, *, officers, now):
    """`count` enquiries over the last year, bulk-inserted, some open, some assigned, a tenth urgent."""
    practice = PracticeFactory()
    sender = MembershipFactory(practice=practice).user
    leadership = SupportService.objects.get(slug="leadership")
    enquiries = []
    for i in range(count):
        submitted = now - timedelta(days=(i * 7) % 360, hours=i % 24)
        due = submitted + timedelta(days=5)
        contact = submitted + timedelta(days=i % 7) if i % 3 else None
        status = Status.CLOSED if contact and i % 2 else (Status.FIRST_CONTACT if contact else Status.TRIAGED)
        enquiries.append(
            EnquiryFactory.build(
                service=leadership, practice=practice, submitted_by=sender, submitted_at=submitted,
                first_contact_due_at=due, first_contact_at=contact, status=status,
                outcome="Resolved" if status == Status.CLOSED else "",
                closed_at=contact + timedelta(days=1) if status == Status.CLOSED else None,
                assigned_to=officers[i % len(officers)], urgent=i % 10 == 0,
                urgent_reason="It cannot wait." if i % 10 == 0 else "",
            )
        )
    Enquiry.objects.bulk_create(enquiries)


@pytest.mark.parametrize("rows", [10, 500])
def test_overview_page_statements_do_not_grow_with_enquiries(client, rows, django_assert_max_num_queries, time_machine):
    time_machine.move_to(NOW, tick=False)
    officers = [make_staff("officer") for _ in range(3)]
    _many(rows, officers=officers, now=NOW)
    overview_months_summarise(now=MONTH_CLOSED)
    viewer = make_staff("officer")
    MembershipFactory(user=viewer)  # a conflict, so the hidden enquiries are looked for
    client.force_login(viewer)

    # The page and its enquiry figures (10, the permissions read in one query), and member voice's
    # satisfaction chart (1).
    with django_assert_max_num_queries(11):
        response = client.get(OVERVIEW)

    assert response.status_code == 200
    assert sum(row["count"] for row in response.context["figures"]["by_state"]) == Enquiry.objects.exclude(
        status=Status.CLOSED
    ).count()


def test_open_enquiries_are_counted_from_the_open_enquiry_index_alone(db):
    from django.db import connection

    from enquiries.selectors.overview import open_enquiry_counts

    # Most enquiries are closed, as in a real history; a dozen are open.
    practice = PracticeFactory()
    sender = MembershipFactory(practice=practice).user
    leadership = SupportService.objects.get(slug="leadership")
    Enquiry.objects.bulk_create(
        EnquiryFactory.build(
            service=leadership, practice=practice, submitted_by=sender,
            submitted_at=NOW - timedelta(days=i), first_contact_due_at=NOW - timedelta(days=i) + timedelta(days=5),
            first_contact_at=None if i < 12 else NOW - timedelta(days=i - 1),
            status=Status.SUBMITTED if i < 12 else Status.CLOSED,
            outcome="" if i < 12 else "Resolved", closed_at=None if i < 12 else NOW - timedelta(days=i - 2),
        )
        for i in range(600)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enquiries_enquiry")
        # Inside the test's transaction VACUUM cannot mark the pages visible, so on
        # a small table the planner's choice between a scan and the index is a
        # coin toss. Take the table scans away: what is left must be an
        # index-only scan of enq_open_idx, which PostgreSQL can only choose if
        # that index alone holds everything the count reads.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")

    plan = open_enquiry_counts(services=SupportService.objects.all(), now=NOW).explain()

    assert "Index Only Scan using enq_open_idx on enquiries_enquiry" in plan, plan
