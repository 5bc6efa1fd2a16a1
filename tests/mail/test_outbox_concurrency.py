"""Several workers delivering the same outbox emails at once on PostgreSQL: each goes once."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from lmcportal.mail.models import OutboundEmail
from lmcportal.mail.services import emails_deliver

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
    barrier = threading.Barrier(WORKERS, timeout=30)
    sent, errors = [], []

    def worker():
        try:
            barrier.wait()
            sent.extend(emails_deliver(email_ids=ids))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(sent) == sorted(ids)
    assert sorted(m.subject for m in mailoutbox) == sorted(f"Email {n}" for n in range(20))
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT, attempts=1).count() == 20
