"""Broker down when a member submits: the enquiry is kept and its acknowledgement still goes, once."""

import time

import pytest
from django.core.mail import EmailMultiAlternatives

from enquiries.models import Enquiry
from enquiries.tasks import send_sla_reminders
from mail.models import OutboundEmail
from mail.services import email_queue_message
from tests.enquiries.factories import EnquiryFactory
from tests.integration.stack import submission_form, submit_url
from tests.mail.brokers import CLOSED_PORT_BROKER, real_broker

pytestmark = pytest.mark.django_db

# A member must not wait on a dead broker: publishing gives up within this.
FAST = 2.5


def test_acknowledgement_queued_while_the_broker_is_down_goes_out_on_the_next_sweep(
    mailoutbox, django_capture_on_commit_callbacks
):
    with real_broker(CLOSED_PORT_BROKER):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            enquiry = EnquiryFactory()
            email_queue_message(
                message=EmailMultiAlternatives(
                    f"We have received your enquiry {enquiry.reference}", "Thank you.", to=["pm@practice.example.org"]
                ),
                dedupe_key=f"enquiry-ack:{enquiry.pk}",
            )
        elapsed = time.monotonic() - started

    assert elapsed < FAST
    assert Enquiry.objects.filter(pk=enquiry.pk).exists()
    assert OutboundEmail.objects.get(dedupe_key=f"enquiry-ack:{enquiry.pk}").status == OutboundEmail.Status.PENDING
    assert mailoutbox == []

    assert send_sla_reminders() == 1
    assert send_sla_reminders() == 0
    assert [m.subject for m in mailoutbox] == [f"We have received your enquiry {enquiry.reference}"]


def test_member_submission_with_the_broker_down_is_received_and_acknowledged_on_the_next_sweep(
    member_client, member, practice, mailoutbox, django_capture_on_commit_callbacks
):
    url = submit_url()
    form = submission_form(
        member_client,
        url,
        scope="practice",
        topic="partnership",
        urgent="",
        urgent_reason="",
        summary="Partner wants to leave at short notice",
        details="One of our three partners has given three months' notice.",
        preferred_contact_times="Weekday mornings",
        contact_phone="01772 000000",
    )

    with real_broker(CLOSED_PORT_BROKER):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = member_client.post(url, form, follow=True)
        elapsed = time.monotonic() - started

    assert elapsed < FAST
    enquiry = Enquiry.objects.get(practice=practice, summary="Partner wants to leave at short notice")
    # The confirmation page: the member is told it arrived and given the reference.
    assert response.status_code == 200
    assert enquiry.reference in response.content.decode()
    assert mailoutbox == []

    send_sla_reminders()
    send_sla_reminders()

    acknowledgements = [m for m in mailoutbox if m.to == [member.email]]
    assert len(acknowledgements) == 1
    assert enquiry.reference in acknowledgements[0].subject + acknowledgements[0].body
