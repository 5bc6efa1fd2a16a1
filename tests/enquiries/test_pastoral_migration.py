"""Migrations 0016-0018: every existing enquiry belongs to Leadership, its reference and due time unchanged."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

LONDON = ZoneInfo("Europe/London")
BEFORE = [("enquiries", "0015_draft_cleanup_schedule")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_old_enquiries_keep_their_references_and_due_times_and_numbering_carries_on():
    old = migrate(BEFORE)
    Practice = old.get_model("members", "Practice")
    Enquiry = old.get_model("enquiries", "Enquiry")
    ReferenceCounter = old.get_model("enquiries", "ReferenceCounter")
    practice = Practice.objects.create(name="Old Surgery", ods_code="Z99001", postcode="PR1 1AA")
    submitted = datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)
    due = datetime(2026, 11, 27, 17, 0, tzinfo=LONDON)
    made = [
        Enquiry.objects.create(
            reference=f"LMS-2026-{n:05d}",
            practice=practice,
            topic="premises",
            summary="Lease",
            details="The landlord wants to sell.",
            submitted_at=submitted,
            sla_started_at=submitted,
            first_contact_due_at=due + timedelta(days=n),
            status="submitted",
        )
        for n in (1, 2)
    ]
    ReferenceCounter.objects.create(year=2026, last_number=2)

    latest = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("enquiries"))

    NewEnquiry = latest.get_model("enquiries", "Enquiry")
    for before in made:
        after = NewEnquiry.objects.get(pk=before.pk)
        assert after.reference == before.reference
        assert after.first_contact_due_at == before.first_contact_due_at
        assert after.service.slug == "leadership"
    counter = latest.get_model("enquiries", "ServiceReferenceCounter").objects.get(year=2026)
    assert (counter.service.slug, counter.last_number) == ("leadership", 2)
