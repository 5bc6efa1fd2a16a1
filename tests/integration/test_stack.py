"""The Celery half of the deployment, as real processes: a worker and beat on Redis and PostgreSQL.

Proves what the unit tests cannot: tasks are registered under the names beat
uses, the settings a deployment gives the processes work, publishing from
the web process reaches the worker, and beat's DatabaseScheduler runs the
SLA sweep from the rows our data migration creates.
"""

import importlib
from datetime import timedelta

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from enquiries.models import Enquiry, Reminder
from mail.models import OutboundEmail
from mail.services import email_queue_message
from tests.enquiries.factories import EnquiryFactory
from tests.integration.stack import submission_form, submit_url
from tests.mail.brokers import real_broker

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.postgres]

TRIAGE = "support@lmc.example.org"  # the local settings' default LMC_TRIAGE_EMAIL
SLA_REMINDERS = importlib.import_module("enquiries.migrations.0006_reminder_schedule").SLA_REMINDERS


def sweep_every_two_seconds() -> None:
    """Keep beat's SLA sweep (the row the data migration made) but run it every 2 s, and nothing else."""
    fast, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update(enabled=False)
    PeriodicTask.objects.update_or_create(
        name=SLA_REMINDERS,
        defaults={
            "task": "enquiries.tasks.send_sla_reminders",
            "interval": fast,
            "enabled": True,
            "expire_seconds": None,
        },
    )


def make_due_soon(enquiry: Enquiry) -> None:
    """Move an urgent enquiry's due time into its 12-hour window (the worker's clock cannot be frozen)."""
    Enquiry.objects.filter(pk=enquiry.pk).update(first_contact_due_at=timezone.now() + timedelta(hours=6))


def test_worker_delivers_the_acknowledgement_and_beat_sends_the_reminder(celery_stack):
    """The enquiry comes from the factory and the acknowledgement from email_queue: the stack alone."""
    celery_stack.start_worker()
    enquiry = EnquiryFactory(urgent_case=True)

    with real_broker(celery_stack.redis_url):
        email_queue_message(
            message=EmailMultiAlternatives(
                f"We have received your enquiry {enquiry.reference}", "Thank you.", to=["pm@practice.example.org"]
            ),
            dedupe_key=f"enquiry-ack:{enquiry.pk}",
        )
    acknowledgement = celery_stack.wait_for_message(f"We have received your enquiry {enquiry.reference}")
    assert "To: pm@practice.example.org" in acknowledgement
    # The acknowledgement and the triage notice go in one task, over one SMTP conversation.
    assert "lmcportal.mail.tasks.deliver_emails" in celery_stack.log("worker")

    make_due_soon(enquiry)
    sweep_every_two_seconds()
    celery_stack.start_beat()

    reminder = celery_stack.wait_for_message(f"First contact due soon: {enquiry.reference} (urgent)")
    assert f"To: {TRIAGE}" in reminder
    assert "enquiries.tasks.send_sla_reminders" in celery_stack.log("beat")
    # Beat keeps firing every 2 s; the reminder still goes once.
    celery_stack.wait_for_log("worker", "enquiries.tasks.send_sla_reminders", timeout=10)
    _wait_for_further_sweeps(celery_stack, 3)
    assert len([m for m in celery_stack.messages() if f"First contact due soon: {enquiry.reference}" in m]) == 1
    assert Reminder.objects.get(enquiry=enquiry).email.status == OutboundEmail.Status.SENT


def _wait_for_further_sweeps(stack, count: int) -> None:
    already = stack.log("worker").count("enquiries.tasks.send_sla_reminders[")
    stack._wait(
        lambda: stack.log("worker").count("enquiries.tasks.send_sla_reminders[") >= already + count,
        30,
        f"{count} more sweeps",
    )


def test_enquiry_submitted_on_the_web_is_acknowledged_and_reminded_by_the_real_stack(
    celery_stack, client, member, practice
):
    """The whole path: a member's POST to the form, then worker and beat deliver the emails."""
    url = submit_url()
    client.force_login(member)
    celery_stack.start_worker()
    form = submission_form(
        client,
        url,
        scope="practice",
        topic="premises",
        urgent="on",
        urgent_reason="Our lease ends on Friday and the landlord will not renew.",
        summary="Premises lease ends this week",
        details="The landlord has refused to renew and we have nowhere to move the practice.",
        preferred_contact_times="Any time",
        contact_phone="01772 000000",
    )

    with real_broker(celery_stack.redis_url):
        response = client.post(url, form, follow=True)

    enquiry = Enquiry.objects.get(practice=practice, summary="Premises lease ends this week")
    assert response.status_code == 200
    assert enquiry.reference in response.content.decode()
    acknowledgement = celery_stack.wait_for_message(f"To: {member.email}", enquiry.reference)
    assert acknowledgement

    make_due_soon(enquiry)
    sweep_every_two_seconds()
    celery_stack.start_beat()

    reminder = celery_stack.wait_for_message(f"First contact due soon: {enquiry.reference} (urgent)")
    assert f"To: {TRIAGE}" in reminder


def test_worker_killed_while_sending_a_reminder_is_finished_once_by_the_next_worker(celery_stack):
    """SIGKILL the worker mid-send; a new worker's sweep takes the stranded reminder over, once."""
    stalled = celery_stack.mail_dir / "stalled-while-sending"
    enquiry = EnquiryFactory(urgent_case=True)
    make_due_soon(enquiry)
    sweep_every_two_seconds()
    # A short claim timeout so the test need not wait the production ten minutes.
    celery_stack.env["EMAIL_CLAIM_TIMEOUT_SECONDS"] = "8"
    celery_stack.start_worker("doomed worker", EMAIL_BACKEND="tests.integration.backends.StallingBackend")
    celery_stack.start_beat()
    celery_stack._wait(stalled.exists, 60, "the doomed worker to start sending")

    celery_stack.kill("doomed worker")

    email = Reminder.objects.get(enquiry=enquiry).email
    assert email.status == OutboundEmail.Status.SENDING
    assert celery_stack.messages() == []

    celery_stack.start_worker()
    reminder = celery_stack.wait_for_message(f"First contact due soon: {enquiry.reference}")
    assert f"To: {TRIAGE}" in reminder
    _wait_for_further_sweeps(celery_stack, 3)
    assert len(celery_stack.messages()) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 2)
