"""Put the enquiry jobs on beat's schedule (editable in the admin under Periodic tasks)."""

from django.db import migrations

from lmcportal.beat import periodic_task_add, periodic_task_remove

SLA_REMINDERS = "SLA reminders (first contact due soon / overdue)"
PCN_RESUME = "Resume PCN support when a pause ends"


def add_schedule(apps, schema_editor):
    periodic_task_add(
        apps,
        name=SLA_REMINDERS,
        task="enquiries.tasks.send_sla_reminders",
        every_minutes=15,
        description="Emails the assigned officer (or triage) when first contact is due soon, and triage when overdue.",
        expire_seconds=15 * 60,
    )
    periodic_task_add(
        apps,
        name=PCN_RESUME,
        task="enquiries.tasks.resume_ended_pcn_pauses",
        every_minutes=15,
        description="Ends PCN support pauses whose end date has come; held enquiries start their SLA.",
        expire_seconds=15 * 60,
    )


def remove_schedule(apps, schema_editor):
    periodic_task_remove(apps, name=SLA_REMINDERS)
    periodic_task_remove(apps, name=PCN_RESUME)


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0005_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
