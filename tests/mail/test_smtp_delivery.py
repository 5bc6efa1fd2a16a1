"""The outbox against a real SMTP server (aiosmtpd) started in the test, not Django's in-memory backend."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from mail.models import OutboundEmail
from mail.services import email_deliver, email_queue_message, emails_deliver_due
from tests.mail.smtp_server import SMTPServer, self_signed_certificate

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PM = "pm@practice.example.org"


def queue(subject: str = "Your booking is confirmed", to: str = PM) -> OutboundEmail:
    message = EmailMultiAlternatives(subject, "See you on Tuesday at 10:00.", to=[to])
    message.attach_alternative("<p>See you on <strong>Tuesday</strong> at 10:00.</p>", "text/html")
    return email_queue_message(message=message)


@pytest.fixture
def smtp():
    with SMTPServer() as server, override_settings(**server.settings()):
        yield server


def test_a_message_arrives_with_the_right_headers_and_both_parts(smtp):
    email = queue()

    assert email_deliver(email_id=email.pk) is True

    [message] = smtp.messages
    assert smtp.handler.envelopes == [("portal@lmc.example.org", [PM])]
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    assert message["To"] == PM
    assert message["Subject"] == "Your booking is confirmed"
    assert message["Message-ID"]
    assert message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain.get_content().strip() == "See you on Tuesday at 10:00."
    assert "<strong>Tuesday</strong>" in html.get_content()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 1)


def test_a_temporary_451_is_retried_after_the_back_off(smtp):
    smtp.handler.busy_answers = 1
    email = queue()

    assert email_deliver(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert "451" in email.last_error
    assert timedelta(seconds=55) < email.next_attempt_at - timezone.now() <= timedelta(minutes=1)
    assert emails_deliver_due() == 0  # not before the back-off has passed

    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=5)):
        assert emails_deliver_due() == 1

    assert len(smtp.messages) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 2)


def test_a_permanent_550_is_failed_at_once_and_shown_to_staff_with_its_reason(smtp, client, staff_user):
    smtp.handler.refuse["nobody@practice.example.org"] = "550 5.1.1 No such user here"
    email = queue(subject="Your place has come up", to="nobody@practice.example.org")

    assert email_deliver(email_id=email.pk) is False

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.FAILED, 1)
    assert "550 5.1.1 No such user here" in email.last_error
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert emails_deliver_due() == 0  # never retried by itself
    client.force_login(staff_user)
    page = client.get(reverse("admin:mail_outboundemail_changelist"), {"status__exact": "failed"}).content.decode()
    assert "Your place has come up" in page
    assert "550 5.1.1 No such user here" in page


def test_the_server_going_away_mid_batch_loses_and_duplicates_nothing(tmp_path):
    emails = [queue(subject=f"Reminder {n}") for n in range(8)]
    first = SMTPServer()
    first.handler.go_away_after = 3
    stopper = threading.Thread(target=lambda: first.handler.gone.wait(30) and first.stop())

    with override_settings(**first.settings()):
        first.controller.start()
        stopper.start()
        sent_before = emails_deliver_due()
        stopper.join(30)
        # The same server comes back (on the same address) and the back-off passes.
        with SMTPServer(port=first.port) as second, time_machine.travel(timezone.now() + timedelta(hours=2)):
            while emails_deliver_due():
                pass
    first.stop()

    subjects = sorted(m["Subject"] for m in first.messages + second.messages)
    assert sent_before == 3
    assert subjects == sorted(f"Reminder {n}" for n in range(8)), "a reminder was lost or sent twice"
    statuses = set(OutboundEmail.objects.filter(pk__in=[e.pk for e in emails]).values_list("status", flat=True))
    assert statuses == {OutboundEmail.Status.SENT}


def test_email_use_ssl_sends_over_implicit_tls(tmp_path, monkeypatch):
    cert, key = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust our certificate, as a real CA would be trusted
    email = queue()

    with SMTPServer(tls_cert=cert, tls_key=key) as server, override_settings(**server.settings(EMAIL_USE_SSL=True)):
        assert email_deliver(email_id=email.pk) is True

    assert [m["Subject"] for m in server.messages] == ["Your booking is confirmed"]


def test_email_timeout_bounds_the_wait_for_a_server_that_never_answers():
    import socket
    import time

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    email = queue()
    started = time.monotonic()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=silent.getsockname()[1],
            EMAIL_TIMEOUT=1,
        ):
            assert email_deliver(email_id=email.pk) is False
    finally:
        silent.close()

    assert time.monotonic() - started < 5
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert "timed out" in email.last_error


def test_a_sweep_sends_its_emails_over_one_smtp_conversation(smtp):
    for n in range(3):
        queue(subject=f"Booking {n}")

    assert emails_deliver_due() == 3

    assert len(smtp.messages) == 3
    assert len(set(smtp.handler.sessions)) == 1


def test_a_refused_email_does_not_stop_the_rest_of_the_sweep(smtp):
    smtp.handler.refuse["gone@practice.example.org"] = "550 5.1.1 No such user"
    queue(subject="First")
    queue(subject="Refused", to="gone@practice.example.org")
    queue(subject="Last")

    assert emails_deliver_due() == 2

    assert sorted(m["Subject"] for m in smtp.messages) == ["First", "Last"]


def test_emails_the_server_took_before_their_worker_was_killed_are_not_sent_again(smtp, monkeypatch):
    """A worker killed after "250 OK" but before marking the chunk sent: the takeover must not send again."""
    from mail import services

    # More than a small delivery (which marks each email as soon as it is taken, with no note).
    count = services.MARK_EACH_UP_TO + 2
    emails = [queue(subject=f"Booking {n}") for n in range(count)]
    # The kill: the server accepts every email, but the chunk is never marked sent.
    monkeypatch.setattr(services, "_mark_sent", lambda emails: None)
    emails_deliver_due()
    assert len(smtp.messages) == count
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENDING}
    monkeypatch.undo()

    with time_machine.travel(timezone.now() + services.claim_timeout() + timedelta(minutes=1)):
        emails_deliver_due()

    assert len(smtp.messages) == count, "an email the server had already accepted was sent a second time"
    for email in emails:
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.SENT


def test_a_taken_over_email_the_server_never_took_is_sent(smtp, monkeypatch):
    """The note is only for accepted emails: one whose worker died before the server took it still goes, once."""
    from mail import services

    email = queue(subject="Booking confirmed")
    services._claim(email_ids=[email.pk], now=timezone.now())  # claimed, then the worker died before sending

    with time_machine.travel(timezone.now() + services.claim_timeout() + timedelta(minutes=1)):
        assert emails_deliver_due() == 1

    assert len(smtp.messages) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_a_small_delivery_marks_each_email_sent_as_soon_as_the_server_takes_it(smtp, monkeypatch):
    """A submission's two emails: each marked sent straight after its "250 OK", before the next is sent."""
    from mail import services

    first, second = queue(subject="We have received your enquiry"), queue(subject="New enquiry")
    marked_when: list[tuple[list[int], int]] = []
    real_mark = services._mark_sent
    monkeypatch.setattr(
        services,
        "_mark_sent",
        lambda emails: (marked_when.append(([e.pk for e in emails], len(smtp.messages))), real_mark(emails)),
    )

    assert services.emails_deliver(email_ids=[first.pk, second.pk]) == [first.pk, second.pk]

    # Marked one by one, each after its own acceptance and before the next email went.
    assert marked_when == [([first.pk], 1), ([second.pk], 2)]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
