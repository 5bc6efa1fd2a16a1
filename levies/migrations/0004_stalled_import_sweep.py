"""Put the sweep that fails list-size imports stuck in reading on beat's schedule: every 5 minutes."""

from django.db import migrations

from lmcportal.beat import periodic_task_add, periodic_task_remove

NAME = "Levies: fail list-size imports that stopped being read"


def add_schedule(apps, schema_editor):
    periodic_task_add(
        apps,
        name=NAME,
        task="levies.tasks.fail_stalled_list_size_imports",
        every_minutes=5,
        description="Marks list-size imports still waiting or being read 15 minutes after upload as failed.",
        expire_seconds=5 * 60,
    )


def remove_schedule(apps, schema_editor):
    periodic_task_remove(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("levies", "0003_remittance_reference_once"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
