from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import transaction

from members import demo

# Each app that has demo data provides `<app>.demo.seed()`; members first,
# because the others hang off its practices and people.
DEMO_MODULES = ["enquiries.demo", "enquiries.demo_data_protection", "levies.demo", "programmes.demo", "voice.demo"]


class Command(BaseCommand):
    help = "Create (or refresh) the demo LMC: practices, members, staff and sample data. Safe to run twice."

    @transaction.atomic
    def handle(self, *args, **options):
        logins = demo.seed()
        for module_name in DEMO_MODULES:
            if find_spec(module_name) is not None:
                import_module(module_name).seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Every demo login uses the password: " + demo.DEMO_PASSWORD))
        for kind, lines in logins.items():
            self.stdout.write(f"{kind.capitalize()}:")
            for line in lines:
                self.stdout.write(f"  {line}")
