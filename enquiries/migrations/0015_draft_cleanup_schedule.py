"""Put the nightly deletion of old enquiry drafts on beat's schedule."""

from django.db import migrations

from lmcportal.beat import periodic_task_add, periodic_task_remove

DRAFTS = "Delete enquiry drafts untouched for 30 days"


def add_schedule(apps, schema_editor):
    periodic_task_add(
        apps,
        name=DRAFTS,
        task="enquiries.tasks.delete_old_enquiry_drafts",
        daily_at=(2, 45),
        description="Deletes unsent Request support drafts 30 days after their last change.",
        expire_seconds=6 * 3600,
    )


def remove_schedule(apps, schema_editor):
    periodic_task_remove(apps, name=DRAFTS)


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0014_member_side"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
