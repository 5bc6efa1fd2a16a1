"""SLA reminders: the right message, to the right person, at the right moment, once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from enquiries.models import Reminder, Status
from enquiries.services import reminders_send_due
from enquiries.tasks import send_sla_reminders
from mail.models import OutboundEmail
from mail.services import claim_timeout
from tests.enquiries.factories import EnquiryFactory
from tests.factories import StaffFactory

LONDON = ZoneInfo("Europe/London")
TRIAGE = "triage-inbox@lmc.example.org"
# A Monday in November (GMT), away from bank holidays.
SUBMITTED = datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("triage_inbox")]


@pytest.fixture
def triage_inbox(settings):
    settings.LMC_TRIAGE_EMAIL = TRIAGE


def urgent_enquiry(**kwargs):
    return EnquiryFactory(urgent_case=True, submitted_at=SUBMITTED, **kwargs)


def standard_enquiry(**kwargs):
    # Submitted Monday 10:00, due the next Monday at 17:00.
    return EnquiryFactory(
        submitted_at=SUBMITTED, first_contact_due_at=datetime(2026, 11, 23, 17, 0, tzinfo=LONDON), **kwargs
    )


def sweep_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return send_sla_reminders()


def test_urgent_enquiry_is_not_due_soon_with_more_than_twelve_hours_left(mailoutbox):
    enquiry = urgent_enquiry()

    assert sweep_at(enquiry.first_contact_due_at - timedelta(hours=12, minutes=1)) == 0
    assert mailoutbox == []


def test_urgent_enquiry_gets_due_soon_reminder_with_twelve_hours_left(mailoutbox):
    enquiry = urgent_enquiry()

    assert sweep_at(enquiry.first_contact_due_at - timedelta(hours=12)) == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith(f"First contact due soon: {enquiry.reference} (urgent)")


def test_standard_enquiry_is_due_soon_at_thirteen_hours_left_unlike_urgent(mailoutbox):
    enquiry = standard_enquiry()

    assert sweep_at(enquiry.first_contact_due_at - timedelta(hours=13)) == 1
    # The standard window is a day, so thirteen hours is already inside it:
    # the point is that the urgent window (12h) does not apply to it.
    assert mailoutbox[0].subject.startswith(f"First contact due soon: {enquiry.reference}")


def test_standard_enquiry_gets_due_soon_reminder_a_day_before_due(mailoutbox):
    enquiry = standard_enquiry()

    assert sweep_at(enquiry.first_contact_due_at - timedelta(hours=24, minutes=1)) == 0
    assert sweep_at(enquiry.first_contact_due_at - timedelta(hours=24)) == 1
    assert [m.subject for m in mailoutbox] == [f"First contact due soon: {enquiry.reference}, by Mon 23 Nov, 17:00"]


def test_due_soon_reminder_goes_to_the_assigned_officer(mailoutbox):
    officer = StaffFactory(email="officer.jones@lmc.example.org")
    enquiry = standard_enquiry(assigned_to=officer, status=Status.TRIAGED)

    sweep_at(enquiry.first_contact_due_at - timedelta(hours=2))

    assert mailoutbox[0].to == ["officer.jones@lmc.example.org"]


def test_due_soon_reminder_goes_to_triage_when_nobody_is_assigned(mailoutbox):
    enquiry = standard_enquiry()

    sweep_at(enquiry.first_contact_due_at - timedelta(hours=2))

    assert mailoutbox[0].to == [TRIAGE]
    assert "nobody yet. Please assign it to an officer." in mailoutbox[0].body


def test_due_soon_reminder_goes_to_triage_when_the_assigned_officer_has_left(mailoutbox):
    officer = StaffFactory(is_active=False)
    enquiry = standard_enquiry(assigned_to=officer, status=Status.TRIAGED)

    sweep_at(enquiry.first_contact_due_at - timedelta(hours=2))

    assert mailoutbox[0].to == [TRIAGE]


def test_no_breach_reminder_at_the_due_moment_itself(mailoutbox):
    enquiry = urgent_enquiry()
    sweep_at(enquiry.first_contact_due_at - timedelta(hours=1))

    assert sweep_at(enquiry.first_contact_due_at) == 0
    assert len(mailoutbox) == 1


def test_breach_reminder_goes_to_triage_once_the_due_time_passes(mailoutbox):
    officer = StaffFactory()
    enquiry = urgent_enquiry(assigned_to=officer, status=Status.TRIAGED)
    sweep_at(enquiry.first_contact_due_at - timedelta(hours=1))

    assert sweep_at(enquiry.first_contact_due_at + timedelta(seconds=1)) == 1

    breach = mailoutbox[-1]
    assert breach.to == [TRIAGE]
    assert breach.subject == f"Overdue: first contact for {enquiry.reference} (urgent) was due Wed 18 Nov, 10:00"


def test_standard_breach_reminder_the_evening_the_due_day_ends(mailoutbox):
    enquiry = standard_enquiry()

    assert sweep_at(datetime(2026, 11, 23, 17, 15, tzinfo=LONDON)) == 1

    assert mailoutbox[0].subject.startswith(f"Overdue: first contact for {enquiry.reference}")


def test_enquiry_already_overdue_at_its_first_sweep_gets_only_the_breach_reminder(mailoutbox):
    enquiry = standard_enquiry()

    sweep_at(enquiry.first_contact_due_at + timedelta(days=2))

    assert list(enquiry.reminders.values_list("kind", flat=True)) == [Reminder.Kind.BREACHED]
    assert len(mailoutbox) == 1


def test_each_reminder_is_sent_once_however_many_sweeps_run(mailoutbox):
    enquiry = urgent_enquiry()
    due = enquiry.first_contact_due_at

    sent = [sweep_at(due - timedelta(hours=h)) for h in (11, 6, 1)]
    sent += [sweep_at(due + timedelta(minutes=m)) for m in (15, 30, 45, 600)]

    assert sent == [1, 0, 0, 1, 0, 0, 0]
    assert len(mailoutbox) == 2


def test_no_reminders_once_first_contact_is_made(mailoutbox):
    enquiry = urgent_enquiry(
        status=Status.FIRST_CONTACT, first_contact_at=SUBMITTED + timedelta(hours=3), assigned_to=StaffFactory()
    )

    assert sweep_at(enquiry.first_contact_due_at + timedelta(hours=1)) == 0
    assert mailoutbox == []


def test_no_reminders_for_closed_or_on_hold_enquiries(mailoutbox):
    closed = urgent_enquiry(status=Status.CLOSED, outcome="Resolved by phone.", closed_at=SUBMITTED)
    EnquiryFactory(scope="practice", status=Status.ON_HOLD, first_contact_due_at=None, submitted_at=SUBMITTED)

    assert sweep_at(closed.first_contact_due_at + timedelta(hours=1)) == 0
    assert mailoutbox == []


def test_reminders_for_several_enquiries_go_in_one_sweep(mailoutbox):
    urgent = urgent_enquiry()
    standard = standard_enquiry()
    # Sunday evening: the urgent one is overdue, the standard one due tomorrow at 17:00.
    moment = datetime(2026, 11, 22, 18, 0, tzinfo=LONDON)

    assert sweep_at(moment) == 2

    assert {m.subject.split(":")[0] for m in mailoutbox} == {"Overdue", "First contact due soon"}
    assert {r.enquiry for r in Reminder.objects.all()} == {urgent, standard}


def test_reminder_email_links_to_the_enquiry_but_keeps_its_details_out(mailoutbox, settings):
    settings.SITE_URL = "https://portal.lmc.example.org"
    enquiry = urgent_enquiry(details="Partner B has threatened to dissolve the partnership.")

    sweep_at(enquiry.first_contact_due_at - timedelta(hours=1))

    body = mailoutbox[0].body
    assert f"https://portal.lmc.example.org/admin/enquiries/enquiry/{enquiry.pk}/change/" in body
    assert enquiry.practice.name in body
    assert "within 48 hours" in body
    assert "dissolve" not in body


def test_sweep_killed_after_claiming_is_completed_by_the_next_sweep_after_the_timeout(mailoutbox, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    enquiry = urgent_enquiry()
    moment = enquiry.first_contact_due_at - timedelta(hours=1)
    real_send = EmailBackend.send_messages

    def worker_dies(self, messages):
        raise SystemExit("worker killed mid-send")  # not an Exception: nothing in our code catches it

    monkeypatch.setattr(EmailBackend, "send_messages", worker_dies)
    with pytest.raises(SystemExit), time_machine.travel(moment, tick=False):
        send_sla_reminders()
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)

    reminder = Reminder.objects.get(enquiry=enquiry)
    assert reminder.email.status == OutboundEmail.Status.SENDING
    # While the dead worker's claim is fresh nobody else sends it...
    assert sweep_at(moment + claim_timeout() - timedelta(minutes=1)) == 0
    # ...after the timeout the next sweep does, once.
    assert sweep_at(moment + claim_timeout() + timedelta(minutes=1)) == 1
    assert sweep_at(moment + claim_timeout() + timedelta(minutes=20)) == 0
    assert len(mailoutbox) == 1
    reminder.email.refresh_from_db()
    assert reminder.email.status == OutboundEmail.Status.SENT


def test_sweep_killed_between_claim_and_send_is_completed_by_the_next_sweep(mailoutbox, monkeypatch):
    enquiry = urgent_enquiry()
    moment = enquiry.first_contact_due_at - timedelta(hours=1)

    def worker_dies(**kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr("enquiries.services.reminders.emails_deliver", worker_dies)
    with pytest.raises(SystemExit), time_machine.travel(moment, tick=False):
        reminders_send_due()
    monkeypatch.undo()

    assert Reminder.objects.get(enquiry=enquiry).email.status == OutboundEmail.Status.PENDING
    assert mailoutbox == []
    assert sweep_at(moment + timedelta(minutes=15)) == 1
    assert sweep_at(moment + timedelta(minutes=30)) == 0
    assert len(mailoutbox) == 1


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=9)
def test_reminder_that_smtp_refuses_stays_queued_and_goes_after_the_backoff(mailoutbox):
    enquiry = urgent_enquiry()
    moment = enquiry.first_contact_due_at - timedelta(hours=6)

    assert sweep_at(moment) == 0

    email = Reminder.objects.get(enquiry=enquiry).email
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at == moment + timedelta(minutes=1)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert sweep_at(moment + timedelta(seconds=30)) == 0  # not before the backoff
        assert sweep_at(moment + timedelta(minutes=1)) == 1
    assert len(mailoutbox) == 1


def test_sweep_result_counts_reminders_left_waiting_for_a_retry(monkeypatch):
    urgent_enquiry()
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", _smtp_down)

    with time_machine.travel(SUBMITTED + timedelta(hours=40), tick=False):
        sweep = reminders_send_due()

    assert (sweep.sent, sweep.waiting) == (0, 1)


def _smtp_down(self, messages):
    raise ConnectionRefusedError("SMTP server down")


def test_command_sends_due_reminders_and_reports_them(mailoutbox):
    urgent_enquiry()
    out = _run_command(at=SUBMITTED + timedelta(hours=40))

    assert "Sent 1 due-soon reminder and 0 overdue reminders." in out
    assert "Outbox now: 0 waiting, 0 being sent, 0 failed." in out
    assert len(mailoutbox) == 1


def test_command_also_sends_emails_the_broker_never_saw(mailoutbox):
    from django.core.mail import EmailMultiAlternatives

    from mail.services import email_queue_message

    email_queue_message(message=EmailMultiAlternatives("Enquiry received", "Thank you.", to=["pm@example.org"]))
    assert mailoutbox == []  # its on-commit delivery never ran (as when the broker is down)

    out = _run_command(at=timezone.now())

    assert "Sent 1 other queued email." in out
    assert [m.subject for m in mailoutbox] == ["Enquiry received"]


def test_command_dry_run_lists_what_is_due_and_sends_nothing(mailoutbox):
    enquiry = urgent_enquiry()
    out = _run_command("--dry-run", at=enquiry.first_contact_due_at + timedelta(hours=1))

    assert f"{enquiry.reference}  First contact overdue  (due Wed 18 Nov 2026 10:00)" in out
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_command_warns_about_failed_emails(mailoutbox):
    OutboundEmail.objects.create(
        to=["x@example.org"],
        subject="Booking confirmed",
        body_text="b",
        status=OutboundEmail.Status.FAILED,
        next_attempt_at=timezone.now(),
    )

    assert "Failed emails need a person" in _run_command(at=timezone.now())


def _run_command(*args, at: datetime) -> str:
    from io import StringIO

    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("send_sla_reminders", *args, stdout=out)
    return out.getvalue()
