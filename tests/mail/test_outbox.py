"""The email outbox: queued means kept, retried with backoff, never silently dropped."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from mail import services
from mail.models import OutboundEmail
from mail.services import MAX_ATTEMPTS, email_deliver, email_queue_message, emails_deliver_due
from mail.tasks import deliver_pending_emails

pytestmark = pytest.mark.django_db

SMTP_CLOSED_PORT = override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=9, EMAIL_TIMEOUT=2
)


def queue(subject="Your enquiry has been received", dedupe_key=None):
    return email_queue_message(
        message=EmailMultiAlternatives(subject, "We will call you by Friday.", to=["pm@practice.example.org"]),
        dedupe_key=dedupe_key,
    )


def test_queued_email_is_delivered_once_the_transaction_commits(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()
        assert mailoutbox == []

    assert [m.subject for m in mailoutbox] == ["Your enquiry has been received"]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1


def test_email_queued_in_a_transaction_that_rolls_back_is_never_sent(mailoutbox, django_capture_on_commit_callbacks):
    def fail_after_queueing():
        with transaction.atomic():
            queue()
            raise RuntimeError("the enquiry could not be saved")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError, match="could not be saved"):
        fail_after_queueing()

    assert not OutboundEmail.objects.exists()
    assert mailoutbox == []


def test_second_queue_with_the_same_dedupe_key_sends_nothing_more(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(dedupe_key="enquiry-ack:1")
        second = queue(dedupe_key="enquiry-ack:1")

    assert first.pk == second.pk
    assert len(mailoutbox) == 1


def test_sent_email_is_never_sent_again(mailoutbox):
    email = queue()
    assert email_deliver(email_id=email.pk) is True

    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert email_deliver(email_id=email.pk) is False
        assert emails_deliver_due() == 0
    assert len(mailoutbox) == 1


@SMTP_CLOSED_PORT
def test_smtp_failure_keeps_the_email_queued_with_the_error():
    email = queue()

    assert email_deliver(email_id=email.pk) is False

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error


def test_retries_back_off_1_2_4_minutes_up_to_an_hour():
    assert [services.retry_delay(n).total_seconds() / 60 for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@SMTP_CLOSED_PORT
def test_failing_email_is_retried_only_when_its_backoff_has_passed():
    email = queue()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        email_deliver(email_id=email.pk)
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert emails_deliver_due() == 0
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        emails_deliver_due()

    email.refresh_from_db()
    assert email.attempts == 2
    assert email.next_attempt_at == start + timedelta(minutes=1) + timedelta(minutes=2)


def test_email_that_keeps_failing_is_marked_failed_and_logged_after_max_attempts(monkeypatch, caplog):
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", _smtp_down)
    email = queue()
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS + 3):
        with time_machine.travel(moment, tick=False), caplog.at_level(logging.ERROR):
            deliver_pending_emails()
        moment += timedelta(hours=2)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == MAX_ATTEMPTS
    assert "Gave up sending email" in caplog.text


def _smtp_down(self, messages):
    raise ConnectionRefusedError("SMTP server down")


def test_email_whose_sender_keeps_dying_ends_failed_not_retried_for_ever():
    email = queue()
    # As if MAX_ATTEMPTS workers each claimed it and were killed mid-send.
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENDING, attempts=MAX_ATTEMPTS, claimed_at=timezone.now()
    )

    with time_machine.travel(timezone.now() + services.claim_timeout() + timedelta(minutes=1)):
        assert emails_deliver_due() == 0

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert "stopped part-way" in email.last_error


def test_sweep_stops_early_when_the_smtp_server_is_down(monkeypatch):
    calls = []

    def down(self, messages):
        calls.append(messages)
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    emails = [queue(subject=f"Email {n}") for n in range(10)]

    assert emails_deliver_due() == 0

    assert len(calls) == services.SWEEP_FAILURE_LIMIT
    untouched = OutboundEmail.objects.filter(pk__in=[e.pk for e in emails], attempts=0)
    assert untouched.count() == 10 - services.SWEEP_FAILURE_LIMIT


def test_failed_email_is_listed_for_staff_in_the_admin(client, staff_user):
    email = queue(subject="Session booking confirmed")
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTPRecipientsRefused: ..."
    )
    client.force_login(staff_user)

    response = client.get(reverse("admin:mail_outboundemail_changelist"), {"status__exact": "failed"})

    assert response.status_code == 200
    assert "Session booking confirmed" in response.content.decode()


def test_triage_lead_can_retry_a_failed_email_from_the_admin(client, mailoutbox, django_capture_on_commit_callbacks):
    from members.permissions import TRIAGE_LEAD
    from tests.conftest import give_totp
    from tests.factories import StaffFactory

    lead = StaffFactory(groups=[TRIAGE_LEAD])
    give_totp(lead)
    email = queue(subject="Session booking confirmed")
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.FAILED, attempts=MAX_ATTEMPTS)
    client.force_login(lead)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:mail_outboundemail_changelist"),
            {"action": "retry_now", "_selected_action": [email.pk]},
        )

    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert [m.subject for m in mailoutbox] == ["Session booking confirmed"]


def test_outbox_admin_is_closed_to_members(member_client):
    response = member_client.get(reverse("admin:mail_outboundemail_changelist"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_outbox_emails_cannot_be_deleted_from_the_admin(client, staff_user):
    email = queue()
    client.force_login(staff_user)

    response = client.get(reverse("admin:mail_outboundemail_delete", args=[email.pk]))

    assert response.status_code == 403


def test_email_with_no_recipient_is_kept_as_failed_for_staff_not_silently_sent(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue_message(message=EmailMultiAlternatives("Levy statement", "Body", to=[]))

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.last_error == "No recipient address."
    assert mailoutbox == []


@pytest.mark.django_db
def test_plain_text_email_is_not_html_escaped_but_the_html_part_is(django_capture_on_commit_callbacks, mailoutbox):
    from members.models import User

    user = User.objects.create_user(email="siobhan@practice.example.org", first_name="Siobhán", last_name="O'Brien")
    with django_capture_on_commit_callbacks(execute=True):
        services.email_queue(
            to=[user.email],
            template="members/email/invitation",
            context={"user": user, "link": "https://x/?a=1&b=2", "valid_days": 7, "invited_by": "Tara & Co"},
        )

    [message] = mailoutbox
    assert "Tara & Co" in message.body
    assert "https://x/?a=1&b=2" in message.body
    assert "&amp;" not in message.body
    html = message.alternatives[0][0]
    assert "Tara &amp; Co" in html


def test_a_sweep_claims_and_marks_its_emails_in_batches_not_one_by_one(mailoutbox, django_assert_max_num_queries):
    for n in range(120):
        queue(subject=f"Email {n}")

    # One select of the due ids; two claims (100 a time); three marks (50 a time).
    with django_assert_max_num_queries(6):
        assert emails_deliver_due() == 120

    assert sorted(m.subject for m in mailoutbox) == sorted(f"Email {n}" for n in range(120))
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT, attempts=1).count() == 120


def test_a_sweep_stopped_part_way_marks_what_went_and_the_rest_goes_once_after_the_claim_timeout(mailoutbox, monkeypatch):
    """Anything short of a kill (an exception, Celery's soft time limit) duplicates nothing."""
    from django.core.mail.backends.locmem import EmailBackend

    emails = [queue(subject=f"Email {n}") for n in range(5)]
    real_send = EmailBackend.send_messages

    def stops_at_the_third(self, messages):
        if messages[0].subject == "Email 2":
            raise SystemExit("worker stopping")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", stops_at_the_third)
    with pytest.raises(SystemExit):
        services.emails_deliver(email_ids=[e.pk for e in emails])
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)

    statuses = dict(OutboundEmail.objects.values_list("subject", "status"))
    assert [statuses[f"Email {n}"] for n in range(5)] == ["sent", "sent", "sending", "sending", "sending"]
    with time_machine.travel(timezone.now() + services.claim_timeout() + timedelta(minutes=1)):
        assert emails_deliver_due() == 3
        assert emails_deliver_due() == 0
    assert sorted(m.subject for m in mailoutbox) == [f"Email {n}" for n in range(5)]
