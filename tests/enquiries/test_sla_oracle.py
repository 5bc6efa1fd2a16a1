"""The SLA rule's database expressions agree with the Python oracle, `sla.sla_state`."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from enquiries import sla
from enquiries.models import AFTER_FIRST_CONTACT, Enquiry, Status
from tests.enquiries.factories import EnquiryFactory
from tests.factories import PracticeFactory

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=sla.LONDON)

# Offsets around NOW, with the window edges (12 h and 24 h, to the microsecond) likely.
EDGES = [timedelta(0), timedelta(hours=12), timedelta(hours=24), -timedelta(hours=12), -timedelta(hours=24)]
offsets = st.one_of(
    st.sampled_from(EDGES),
    st.sampled_from(EDGES).flatmap(
        lambda edge: st.integers(min_value=-2, max_value=2).map(lambda us: edge + timedelta(microseconds=us))
    ),
    st.timedeltas(min_value=-timedelta(days=10), max_value=timedelta(days=10)),
)


@st.composite
def enquiry_rows(draw):
    """Draw an enquiry's SLA fields as the database constraints allow them."""
    status = draw(st.sampled_from(list(Status)))
    urgent = draw(st.booleans())
    if status == Status.ON_HOLD:
        return {"status": status, "urgent": urgent, "first_contact_due_at": None, "first_contact_at": None}
    due = NOW + draw(offsets)
    if status in AFTER_FIRST_CONTACT:
        contact = due + draw(offsets)
    elif status == Status.CLOSED:
        contact = draw(st.one_of(st.none(), offsets.map(lambda offset: due + offset)))
    else:
        contact = None
    return {"status": status, "urgent": urgent, "first_contact_due_at": due, "first_contact_at": contact}


@pytest.mark.postgres
@pytest.mark.django_db
@hypothesis_settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(enquiry_rows(), min_size=1, max_size=8), now_offset=offsets)
def test_database_sla_state_equals_the_python_oracle(rows, now_offset):
    now = (NOW + now_offset).astimezone(UTC)
    with transaction.atomic():
        practice = PracticeFactory()
        made = []
        for row in rows:
            extra = {"outcome": "Resolved", "closed_at": NOW} if row["status"] == Status.CLOSED else {}
            if row["urgent"]:
                extra["urgent_reason"] = "A partner has left."
            made.append(EnquiryFactory(practice=practice, submitted_by=None, **row, **extra))
        in_database = dict(
            Enquiry.objects.filter(pk__in=[e.pk for e in made])
            .annotate(state=sla.sla_state_annotation(now))
            .values_list("pk", "state")
        )
        for enquiry in made:
            expected = sla.sla_state(
                status=enquiry.status,
                urgent=enquiry.urgent,
                first_contact_due_at=enquiry.first_contact_due_at,
                first_contact_at=enquiry.first_contact_at,
                now=now,
            )
            assert in_database[enquiry.pk] == expected.value
            # Each state's filter matches exactly the enquiries in that state.
            for state in sla.SlaState:
                matched = Enquiry.objects.filter(sla.sla_state_q(state, now=now), pk=enquiry.pk).exists()
                assert matched == (state == expected)
        transaction.set_rollback(True)
