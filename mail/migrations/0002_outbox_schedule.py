"""Put the outbox sweep on beat's schedule: every minute (editable in the admin)."""

from django.db import migrations

from lmcportal.beat import periodic_task_add, periodic_task_remove

NAME = "Send queued emails (outbox sweep)"


def add_schedule(apps, schema_editor):
    periodic_task_add(
        apps,
        name=NAME,
        task="lmcportal.mail.tasks.deliver_pending_emails",
        every_minutes=1,
        description="Sends emails the broker never saw and retries failed ones with backoff.",
        expire_seconds=60,
    )


def remove_schedule(apps, schema_editor):
    periodic_task_remove(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
