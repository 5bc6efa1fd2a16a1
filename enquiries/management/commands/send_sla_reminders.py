"""Run one SLA reminder sweep by hand, then send whatever else is due in the outbox."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from enquiries.models import Reminder
from enquiries.selectors import enquiries_breached_unreminded, enquiries_due_soon_unreminded
from enquiries.services import reminders_send_due
from mail.services import emails_deliver_due, outbox_counts


class Command(BaseCommand):
    help = (
        "Send the first-contact reminders that are due (due soon to the officer or triage; "
        "overdue to triage), then any queued emails, and report what happened."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the enquiries due a reminder without sending anything."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        if dry_run:
            self._list_due()
            return
        sweep = reminders_send_due()
        self.stdout.write(
            f"Sent {_count(sweep.due_soon, 'due-soon reminder')} and {_count(sweep.breached, 'overdue reminder')}."
        )
        if sweep.waiting:
            self.stdout.write(
                self.style.WARNING(
                    f"{_count(sweep.waiting, 'reminder')} could not be sent yet; they stay queued and are retried."
                )
            )
        other = emails_deliver_due()
        self.stdout.write(f"Sent {_count(other, 'other queued email')}.")
        counts = outbox_counts()
        self.stdout.write(
            f"Outbox now: {counts['pending']} waiting, {counts['sending']} being sent, {counts['failed']} failed."
        )
        if counts["failed"]:
            self.stdout.write(
                self.style.ERROR("Failed emails need a person: see Email outbox in the admin (filter: Gave up).")
            )

    def _list_due(self) -> None:
        now = timezone.now()
        rows = [(Reminder.Kind.BREACHED.label, e) for e in enquiries_breached_unreminded(now=now)]
        rows += [(Reminder.Kind.DUE_SOON.label, e) for e in enquiries_due_soon_unreminded(now=now)]
        for label, enquiry in rows:
            due = timezone.localtime(enquiry.first_contact_due_at).strftime("%a %d %b %Y %H:%M")
            self.stdout.write(f"{enquiry.reference}  {label}  (due {due})")
        self.stdout.write(f"{_count(len(rows), 'reminder')} due; nothing sent (dry run).")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
