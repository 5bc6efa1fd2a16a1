"""The Celery application, configured from Django settings (CELERY_* names).

Also the two helpers every app's schedule data migration uses, so periodic
jobs live in django-celery-beat's tables (editable in the admin) and are
created the same way everywhere: see docs/readme/celery.md.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lmcportal.settings.local")

app = Celery("lmcportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

__all__ = ["app", "periodic_task_add", "periodic_task_remove"]


def periodic_task_add(
    apps,
    *,
    name: str,
    task: str,
    every_minutes: int,
    description: str,
    expire_seconds: int | None = None,
) -> None:
    """Put `task` on beat's schedule every `every_minutes` minutes (idempotent; for data migrations).

    `apps` is the migration's app registry. `expire_seconds` drops a run that
    waited in the queue longer than that (the next run does the same work).
    """
    from django.utils import timezone

    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    interval, _ = IntervalSchedule.objects.get_or_create(every=every_minutes, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={
            "task": task,
            "interval": interval,
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
