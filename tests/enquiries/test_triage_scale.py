"""The triage changelist's cost does not grow with the table: filters the index serves, a capped count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enquiries.admin.triage.display import CappedCountPaginator
from enquiries.models import Enquiry, Status
from enquiries.sla import SlaState
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.triage_support import london, make_staff

CHANGELIST = reverse("admin:enquiries_enquiry_changelist")
NOW = london(2026, 11, 23, 9, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(NOW, tick=False)


def one_of_each_state() -> list[Enquiry]:
    submitted, due = london(2026, 11, 13, 10, 0), london(2026, 11, 20, 17, 0)
    return [
        EnquiryFactory(submitted_at=submitted, first_contact_due_at=due),  # breached
        EnquiryFactory(submitted_at=NOW, first_contact_due_at=london(2026, 11, 30, 17, 0)),  # on track
        EnquiryFactory(submitted_at=NOW, first_contact_due_at=london(2026, 11, 23, 17, 0)),  # due soon
        EnquiryFactory(
            submitted_at=submitted,
            first_contact_due_at=due,
            first_contact_at=london(2026, 11, 19, 11, 0),
            status=Status.FIRST_CONTACT,
        ),  # met
        EnquiryFactory(
            submitted_at=submitted,
            first_contact_due_at=due,
            first_contact_at=london(2026, 11, 21, 11, 0),
            status=Status.FIRST_CONTACT,
        ),  # missed
    ]


def grow_to(total: int) -> None:
    """Copy the enquiries there are (in bulk, it is only their number that matters) until there are `total`."""
    models = list(Enquiry.objects.order_by("pk"))
    copies = []
    for i in range(total - len(models)):
        copy = Enquiry(
            **{f.attname: getattr(models[i % len(models)], f.attname) for f in Enquiry._meta.concrete_fields}
        )
        copy.pk = None
        copy.reference = f"LMS-2026-9{len(models) + i:04d}"
        copies.append(copy)
    Enquiry.objects.bulk_create(copies)


def changelist_queries(client, params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize("state", [None, *[state.value for state in SlaState]])
def test_changelist_queries_are_the_same_at_10_and_500_rows_with_each_sla_filter(
    client, state, django_assert_max_num_queries
):
    client.force_login(make_staff("lead"))
    one_of_each_state()
    grow_to(10)
    params = {"sla": state} if state else {}
    small, _ = changelist_queries(client, params)
    grow_to(500)
    with django_assert_max_num_queries(small):
        large, shown = changelist_queries(client, params)
    assert large == small
    assert shown <= 50


def test_sla_filter_finds_the_same_enquiries_as_the_badge(client):
    officer = make_staff("lead")
    made = one_of_each_state()
    client.force_login(officer)
    for state in SlaState:
        response = client.get(CHANGELIST, {"sla": state.value})
        assert {row.sla_state for row in response.context["cl"].result_list} <= {state.value}
    assert {e.reference for e in client.get(CHANGELIST, {"sla": "breached"}).context["cl"].result_list} == {
        made[0].reference
    }


def test_pcn_filter_is_a_search_box_by_name_or_ods_code(client):
    officer = make_staff("officer")
    wanted, other = one_of_each_state()[:2]
    client.force_login(officer)
    page = client.get(CHANGELIST).content.decode()
    assert 'name="practice_pcn"' in page
    assert other.practice.pcn.name not in page  # the PCNs are no longer listed as links
    for term in (wanted.practice.pcn.code, wanted.practice.pcn.name.lower()):
        response = client.get(CHANGELIST, {"practice_pcn": term})
        assert [row.reference for row in response.context["cl"].result_list] == [wanted.reference]


def test_the_count_stops_at_the_cap(client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    officer = make_staff("lead")
    one_of_each_state()
    client.force_login(officer)
    page = client.get(CHANGELIST).content.decode()
    assert "3+ enquiries" in page
    monkeypatch.setattr(CappedCountPaginator, "CAP", 1000)
    assert "5 enquiries" in client.get(CHANGELIST).content.decode()
