"""Two SLA sweeps at the same moment on PostgreSQL: each reminder goes out once."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from enquiries.models import Reminder
from enquiries.selectors import reminders as selectors
from enquiries.services import reminders as services
from tests.concurrency import run_concurrently
from tests.enquiries.factories import EnquiryFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SWEEPS = 4


def test_concurrent_sweeps_send_each_reminder_exactly_once(mailoutbox, monkeypatch):
    now = timezone.now().replace(microsecond=0)
    due_soon = [EnquiryFactory(urgent_case=True, first_contact_due_at=now + timedelta(hours=3)) for _ in range(5)]
    overdue = [EnquiryFactory(first_contact_due_at=now - timedelta(hours=3)) for _ in range(5)]

    # Every sweep reads the same candidates before any of them claims one, so
    # they really do race for every reminder.
    barrier = threading.Barrier(SWEEPS, timeout=30)

    def in_step(select):
        def selected_together(*, now):
            enquiries = list(select(now=now))
            barrier.wait()
            return enquiries

        return selected_together

    monkeypatch.setattr(services, "enquiries_breached_unreminded", in_step(selectors.enquiries_breached_unreminded))
    monkeypatch.setattr(services, "enquiries_due_soon_unreminded", in_step(selectors.enquiries_due_soon_unreminded))

    def sweep():
        with time_machine.travel(now, tick=False):
            return services.reminders_send_due()

    results, errors = run_concurrently(SWEEPS, sweep)

    assert errors == []
    assert sum(result.sent for result in results) == 10
    assert len(mailoutbox) == 10
    assert len({message.subject for message in mailoutbox}) == 10
    assert Reminder.objects.filter(enquiry__in=due_soon, kind=Reminder.Kind.DUE_SOON).count() == 5
    assert Reminder.objects.filter(enquiry__in=overdue, kind=Reminder.Kind.BREACHED).count() == 5


def test_two_sweeps_racing_batch_by_batch_send_each_reminder_once(mailoutbox, monkeypatch):
    """The bulk path: claims of several batches, deliveries claimed and marked in chunks, two sweeps at once."""
    from mail import services as mail_services
    from mail.models import OutboundEmail

    monkeypatch.setattr(services, "CLAIM_BATCH", 7)
    monkeypatch.setattr(mail_services, "DELIVERY_BATCH", 5)
    monkeypatch.setattr(mail_services, "MARK_SENT_EVERY", 3)
    now = timezone.now().replace(microsecond=0)
    overdue = [EnquiryFactory(first_contact_due_at=now - timedelta(hours=3, minutes=n)) for n in range(30)]
    barrier = threading.Barrier(2, timeout=30)

    def selected_together(*, now):
        enquiries = list(selectors.enquiries_breached_unreminded(now=now))
        barrier.wait()
        return enquiries

    monkeypatch.setattr(services, "enquiries_breached_unreminded", selected_together)

    def sweep():
        with time_machine.travel(now, tick=False):
            return services.reminders_send_due()

    results, errors = run_concurrently(2, sweep)

    assert errors == []
    assert sum(result.breached for result in results) == 30
    references = [m.subject.split(" ")[4] for m in mailoutbox]
    assert sorted(references) == sorted(e.reference for e in overdue)  # each once: none lost, none doubled
    reminders = Reminder.objects.filter(kind=Reminder.Kind.BREACHED).select_related("email")
    assert sorted(r.enquiry_id for r in reminders) == sorted(e.pk for e in overdue)
    assert {(r.email.status, r.email.attempts) for r in reminders} == {(OutboundEmail.Status.SENT, 1)}
    assert OutboundEmail.objects.count() == 30
