"""Put the nightly retention job on beat's schedule (editable in the admin under Periodic tasks)."""

from django.db import migrations

from lmcportal.beat import periodic_task_add, periodic_task_remove

RETENTION = "Anonymise enquiries past their retention period"


def add_schedule(apps, schema_editor):
    periodic_task_add(
        apps,
        name=RETENTION,
        task="enquiries.tasks.anonymise_enquiries_past_retention",
        daily_at=(2, 30),
        description="Removes the text, names and contact details of closed enquiries past retention; keeps statistics.",
        expire_seconds=6 * 3600,
    )


def remove_schedule(apps, schema_editor):
    periodic_task_remove(apps, name=RETENTION)


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0008_data_protection_permissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
