"""Several workers delivering the same outbox emails at once on PostgreSQL: each goes once."""


import pytest
from django.utils import timezone

from mail.models import OutboundEmail
from mail.services import emails_deliver
from tests.concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 4


def test_concurrent_workers_send_each_outbox_email_once(mailoutbox):
    # Written straight to the outbox, as when the broker was down at queue time.
    ids = [
        OutboundEmail.objects.create(
            to=["pm@example.org"], subject=f"Email {n}", body_text="Body", next_attempt_at=timezone.now()
        ).pk
        for n in range(20)
    ]
    batches, errors = run_concurrently(WORKERS, lambda: emails_deliver(email_ids=ids))
    sent = [email_id for batch in batches for email_id in batch]

    assert errors == []
    assert sorted(sent) == sorted(ids)
    assert sorted(m.subject for m in mailoutbox) == sorted(f"Email {n}" for n in range(20))
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT, attempts=1).count() == 20
