"""Put the nightly recount of the support overview's monthly figures on beat's schedule."""

from django.db import migrations

from lmcportal.beat import periodic_task_add, periodic_task_remove

NAME = "Recount the support overview's monthly figures"


def add_schedule(apps, schema_editor):
    periodic_task_add(
        apps,
        name=NAME,
        task="enquiries.tasks.summarise_overview_months",
        daily_at=(0, 20),
        description=(
            "Counts the last 12 months' first-contact compliance and enquiries per topic up to midnight, "
            "so the Support overview counts only today live. Picks up first contacts recorded late."
        ),
        expire_seconds=6 * 3600,
    )


def remove_schedule(apps, schema_editor):
    periodic_task_remove(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0025_overview_monthly_figures"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
