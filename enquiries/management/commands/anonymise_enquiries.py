from django.core.management.base import BaseCommand

from enquiries.services.data_protection import enquiries_anonymise_due


class Command(BaseCommand):
    help = (
        "Remove the text, names and contact details of closed enquiries past their retention period. "
        "With --dry-run, list them and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be anonymised; change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        enquiries = enquiries_anonymise_due(dry_run=dry_run)
        verb = "Would anonymise" if dry_run else "Anonymised"
        for candidate in enquiries:
            self.stdout.write(f"  {candidate.describe()}")
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(enquiries)} enquiry(ies)."))
