"""The Celery application, configured from Django settings (CELERY_* names).

Celery's logging follows Django's LOGGING (see `config_loggers`), as
cookiecutter-django does, so workers and beat log like the web processes.

The beat-schedule helpers data migrations use live in `lmcportal.beat`, a
module that imports neither Celery nor the portal. They are re-exported here
only so that a migration written against this module keeps working.
"""

import os

from celery import Celery
from celery.signals import setup_logging

from .beat import periodic_task_add, periodic_task_remove

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lmcportal.settings.local")

app = Celery("lmcportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

__all__ = ["app", "config_loggers", "periodic_task_add", "periodic_task_remove"]


@setup_logging.connect
def config_loggers(*args, **kwargs) -> None:
    """Configure worker and beat logging from Django's LOGGING instead of Celery's own."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
