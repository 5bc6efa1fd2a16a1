"""Helpers for data migrations that put periodic jobs on beat's schedule.

STABLE, KEPT BACKWARD COMPATIBLE. Migrations are frozen history and import
these by name, so never remove or rename them, nor change a signature
incompatibly. This module imports neither Celery nor the portal's live code
(only Django, inside the functions): a migration that uses it does not depend
on how the Celery app is built.

Periodic jobs live in django-celery-beat's tables (editable in the admin) and
are created the same way everywhere: see the README, "Adding a periodic job".
"""

__all__ = ["periodic_task_add", "periodic_task_remove"]


def periodic_task_add(
    apps,
    *,
    name: str,
    task: str,
    description: str,
    every_minutes: int | None = None,
    daily_at: tuple[int, int] | None = None,
    expire_seconds: int | None = None,
) -> None:
    """Put `task` on beat's schedule (idempotent; for data migrations).

    Give `every_minutes` for an interval, or `daily_at=(hour, minute)` for once a
    day, London time. `apps` is the migration's app registry. `expire_seconds`
    drops a run that waited in the queue longer than that (the next run does
    the same work).
    """
    from django.utils import timezone

    if (every_minutes is None) == (daily_at is None):
        raise ValueError("Give exactly one of every_minutes and daily_at.")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if every_minutes is not None:
        schedule = {
            "interval": apps.get_model("django_celery_beat", "IntervalSchedule").objects.get_or_create(
                every=every_minutes, period="minutes"
            )[0],
            "crontab": None,
        }
    else:
        hour, minute = daily_at
        schedule = {
            "interval": None,
            "crontab": apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
                minute=str(minute),
                hour=str(hour),
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone="Europe/London",
            )[0],
        }
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={
            "task": task,
            **schedule,
            "enabled": True,
            "description": description,
            "expire_seconds": expire_seconds,
        },
    )
    # Historical models send no signals: tell a running beat to reload.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def periodic_task_remove(apps, *, name: str) -> None:
    """Take the periodic task called `name` off the schedule (reverse of periodic_task_add)."""
    from django.utils import timezone

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )
