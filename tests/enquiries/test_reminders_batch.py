"""Reminders are claimed in batches, one transaction each, and still each once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from enquiries.models import Reminder
from enquiries.services import reminders as services
from mail.models import OutboundEmail
from tests.enquiries.factories import EnquiryFactory

pytestmark = pytest.mark.django_db


def overdue(n: int, now):
    return [EnquiryFactory(first_contact_due_at=now - timedelta(hours=3)) for _ in range(n)]


def test_a_batch_claims_each_reminder_with_its_email():
    now = timezone.now()
    enquiries = overdue(3, now)
    claimed = services.reminders_claim_batch(enquiries=enquiries, kind=Reminder.Kind.BREACHED, now=now)
    assert {r.enquiry_id for r in claimed} == {e.pk for e in enquiries}
    assert OutboundEmail.objects.filter(dedupe_key__startswith="reminder:").count() == 3


def test_a_batch_with_one_already_claimed_by_another_sweep_claims_the_rest_once():
    now = timezone.now()
    enquiries = overdue(3, now)
    assert services.reminder_claim(enquiry=enquiries[1], kind=Reminder.Kind.BREACHED, now=now) is not None

    claimed = services.reminders_claim_batch(enquiries=enquiries, kind=Reminder.Kind.BREACHED, now=now)

    assert {r.enquiry_id for r in claimed} == {enquiries[0].pk, enquiries[2].pk}
    assert Reminder.objects.count() == 3
    assert OutboundEmail.objects.filter(dedupe_key__startswith="reminder:").count() == 3


def test_a_sweep_larger_than_a_batch_sends_every_reminder_once(mailoutbox, monkeypatch):
    monkeypatch.setattr(services, "CLAIM_BATCH", 2)
    now = timezone.now()
    overdue(5, now)
    assert services.reminders_send_due(now=now).breached == 5
    assert services.reminders_send_due(now=now).sent == 0
    assert len(mailoutbox) == 5


def test_an_smtp_failure_of_one_reminder_loses_and_doubles_none_of_the_others(mailoutbox, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    from enquiries.tasks import send_sla_reminders
    from mail import services as mail_services

    monkeypatch.setattr(mail_services, "MARK_SENT_EVERY", 2)  # marks before and after the failure
    now = timezone.now().replace(microsecond=0)
    enquiries = overdue(5, now)
    unlucky = enquiries[2]
    real_send = EmailBackend.send_messages

    def drops_one(self, messages):
        if unlucky.reference in messages[0].subject:
            raise ConnectionResetError("connection reset by peer")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", drops_one)
    with time_machine.travel(now, tick=False):
        sweep = services.reminders_send_due()

    assert (sweep.breached, sweep.waiting) == (4, 1)
    assert sorted(m.subject.split(" ")[4] for m in mailoutbox) == sorted(e.reference for e in enquiries if e != unlucky)
    emails = {r.enquiry_id: r.email for r in Reminder.objects.select_related("email")}
    assert {(emails[e.pk].status, emails[e.pk].attempts) for e in enquiries if e != unlucky} == {
        (OutboundEmail.Status.SENT, 1)
    }
    failed = emails[unlucky.pk]
    assert (failed.status, failed.attempts) == (OutboundEmail.Status.PENDING, 1)
    assert "connection reset by peer" in failed.last_error
    assert failed.next_attempt_at == now + timedelta(minutes=1)

    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    with time_machine.travel(now + timedelta(minutes=1), tick=False):
        assert send_sla_reminders() == 1
        assert send_sla_reminders() == 0
    assert sorted(m.subject.split(" ")[4] for m in mailoutbox) == sorted(e.reference for e in enquiries)
