"""Reminders are claimed in batches, one transaction each, and still each once."""

from datetime import timedelta

import pytest
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
