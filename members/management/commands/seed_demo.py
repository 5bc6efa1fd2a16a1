from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members import demo
from members.signals import register_demo_data


class Command(BaseCommand):
    help = "Create (or refresh) the demo LMC: practices, members, staff and sample data. Safe to run twice."

    @transaction.atomic
    def handle(self, *args, **options):
        # Members first, because the other apps hang off its practices and
        # people; then every app that answers register_demo_data, in
        # INSTALLED_APPS order.
        logins = demo.seed()
        for app_config in apps.get_app_configs():
            seeded = register_demo_data.send(sender=app_config)
            if getattr(app_config, "has_demo_data", False) and app_config.label != "members" and not seeded:
                raise CommandError(f"App '{app_config.label}' has demo data but nothing answers register_demo_data.")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Every demo login uses the password: " + demo.DEMO_PASSWORD))
        for kind, lines in logins.items():
            self.stdout.write(f"{kind.capitalize()}:")
            for line in lines:
                self.stdout.write(f"  {line}")
