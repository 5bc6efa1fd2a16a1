"""The sweep's cost follows the enquiries due a message, not the size of the enquiry table."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from enquiries.models import Enquiry, Reminder, Status
from enquiries.selectors import enquiries_breached_unreminded, enquiries_due_soon_unreminded
from enquiries.services import reminders_send_due
from mail.models import OutboundEmail
from members.permissions import OFFICERS
from tests.enquiries.factories import EnquiryFactory
from tests.factories import PracticeFactory, StaffFactory

pytestmark = pytest.mark.django_db


def history(n: int, *, practice, now) -> None:
    """`n` old enquiries, all closed or past first contact: what years of use leave behind."""
    Enquiry.objects.bulk_create(
        Enquiry(
            reference=f"LMS-2020-{i:05d}",
            practice=practice,
            topic="premises",
            summary="Old enquiry",
            details="...",
            submitted_at=now - timedelta(days=400 + i % 300),
            first_contact_due_at=now - timedelta(days=395 + i % 300),
            first_contact_at=now - timedelta(days=396 + i % 300),
            status=Status.CLOSED if i % 3 else Status.PLAN_AGREED,
            outcome="Resolved." if i % 3 else "",
            closed_at=now - timedelta(days=300) if i % 3 else None,
        )
        for i in range(n)
    )


def test_sweep_with_nothing_due_is_two_queries_however_many_enquiries_exist(django_assert_num_queries):
    now = timezone.now()
    practice = PracticeFactory()
    history(200, practice=practice, now=now)
    EnquiryFactory.create_batch(20, practice=practice, first_contact_due_at=now + timedelta(days=4))

    with django_assert_num_queries(2):
        assert reminders_send_due(now=now).sent == 0


def test_sweep_queries_do_not_grow_with_enquiries_that_need_no_message(django_assert_max_num_queries):
    now = timezone.now()
    practice = PracticeFactory()
    history(200, practice=practice, now=now)
    EnquiryFactory.create_batch(20, practice=practice, first_contact_due_at=now + timedelta(days=4))
    EnquiryFactory(urgent_case=True, practice=practice, first_contact_due_at=now + timedelta(hours=2))

    # Two selects; the claim's savepoint, email insert, reminder insert and
    # release; the outbox's claim and mark-sent updates.
    with django_assert_max_num_queries(8):
        assert reminders_send_due(now=now).sent == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_five_hundred_due_reminders_take_at_most_thirty_statements(django_assert_max_num_queries, mailoutbox):
    """Statements grow with batches (100 claimed, 100 delivered, 50 marked sent at a time), not with reminders."""
    now = timezone.now()
    practice = PracticeFactory()
    officers = StaffFactory.create_batch(3, groups=[OFFICERS])
    Enquiry.objects.bulk_create(
        Enquiry(
            reference=f"LMS-2026-{i + 1:05d}",
            practice=practice,
            topic="premises",
            summary="Lease ends",
            details="...",
            submitted_at=now - timedelta(days=6),
            # Half overdue (to the triage inbox), half due soon (to their officer).
            first_contact_due_at=now - timedelta(hours=3 + i) if i % 2 else now + timedelta(hours=20, minutes=-i),
            status=Status.SUBMITTED if i % 2 else Status.TRIAGED,
            assigned_to=None if i % 2 else officers[i % 3],
        )
        for i in range(500)
    )

    with django_assert_max_num_queries(30):
        sweep = reminders_send_due(now=now)

    assert (sweep.breached, sweep.due_soon, sweep.waiting) == (250, 250, 0)
    assert len(mailoutbox) == 500
    assert len({message.subject for message in mailoutbox}) == 500
    officer_emails = {officer.email for officer in officers}
    assert sum(1 for message in mailoutbox if message.to[0] in officer_emails) == 250
    assert Reminder.objects.count() == 500
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT, attempts=1).count() == 500


@pytest.mark.postgres
def test_reminder_queries_use_the_due_index_not_a_table_scan():
    now = timezone.now()
    practice = PracticeFactory()
    history(20_000, practice=practice, now=now)
    EnquiryFactory.create_batch(30, practice=practice, first_contact_due_at=now + timedelta(hours=6))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enquiries_enquiry")

    for queryset in (enquiries_due_soon_unreminded(now=now), enquiries_breached_unreminded(now=now)):
        plan = queryset.explain()
        # A due-time index serves: (status, due), the partial one on enquiries
        # still awaiting first contact, or the one of those owed a breach reminder.
        assert any(
            index in plan
            for index in ("enq_status_due_idx", "enq_awaiting_contact_due_idx", "enq_owed_breach_reminder_idx")
        )
        assert "Seq Scan on enquiries_enquiry" not in plan


@pytest.mark.postgres
def test_idle_sweep_reads_none_of_the_overdue_enquiries_already_reminded():
    """Overdue enquiries that never get a first contact pile up; the sweep must not re-read them each time."""
    now = timezone.now()
    practice = PracticeFactory()
    history(2_000, practice=practice, now=now)
    EnquiryFactory.create_batch(40, practice=practice, first_contact_due_at=now - timedelta(days=3))
    assert reminders_send_due(now=now).breached == 40
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enquiries_enquiry")
        cursor.execute("ANALYZE enquiries_reminder")

    plan = enquiries_breached_unreminded(now=now + timedelta(minutes=15)).explain(analyze=True)

    assert "enq_owed_breach_reminder_idx" in plan
    assert "enquiries_reminder" not in plan  # no look for the reminders themselves


def test_breach_reminder_recorded_before_the_flag_is_not_sent_again_and_the_enquiry_is_marked(mailoutbox):
    now = timezone.now()
    enquiry = EnquiryFactory(first_contact_due_at=now - timedelta(hours=3))
    assert reminders_send_due(now=now).breached == 1
    Enquiry.objects.filter(pk=enquiry.pk).update(breach_reminded=False)  # as before migration 0023's backfill

    assert reminders_send_due(now=now + timedelta(minutes=15)).sent == 0

    assert len(mailoutbox) == 1
    assert Enquiry.objects.get(pk=enquiry.pk).breach_reminded
    assert reminders_send_due(now=now + timedelta(minutes=30)).sent == 0
