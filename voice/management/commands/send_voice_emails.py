"""One sweep of the member-voice emails, for the embedded default (no beat) or cron."""

from django.core.management.base import BaseCommand

from voice import services


class Command(BaseCommand):
    help = "Send due consultation emails (open notices, 3-day reminders) and feedback invitations, once each."

    def handle(self, *args, **options):
        consultations = services.consultation_notices_send_due()
        invitations = services.feedback_invitations_send_due()
        self.stdout.write(
            f"Sent {consultations} consultation email{'s' if consultations != 1 else ''} "
            f"and {invitations} feedback invitation{'s' if invitations != 1 else ''}."
        )
