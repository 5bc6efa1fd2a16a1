"""Beat's schedule, as the data migrations leave it: every job there, on time, and runnable."""

import pytest
from django_celery_beat.models import PeriodicTask

from lmcportal.celery import app

pytestmark = pytest.mark.django_db


def scheduled(task: str) -> PeriodicTask:
    return PeriodicTask.objects.select_related("interval").get(task=task)


def test_sla_reminders_are_swept_every_fifteen_minutes():
    job = scheduled("enquiries.tasks.send_sla_reminders")

    assert job.enabled
    assert (job.interval.every, job.interval.period) == (15, "minutes")


def test_ended_pcn_pauses_are_checked_every_fifteen_minutes():
    job = scheduled("enquiries.tasks.resume_ended_pcn_pauses")

    assert job.enabled
    assert (job.interval.every, job.interval.period) == (15, "minutes")


def test_outbox_is_swept_every_minute():
    job = scheduled("lmcportal.mail.tasks.deliver_pending_emails")

    assert job.enabled
    assert (job.interval.every, job.interval.period) == (1, "minutes")


def test_every_scheduled_job_names_a_task_the_worker_knows():
    # A typo in a task name would otherwise fail silently in the worker's log.
    app.loader.import_default_modules()
    names = PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True)

    assert names
    assert [name for name in names if name not in app.tasks] == []


def test_pcn_pause_job_resumes_through_the_enquiries_service(monkeypatch):
    from enquiries import services
    from enquiries.tasks import resume_ended_pcn_pauses

    monkeypatch.setattr(services, "pcn_support_resume_due", lambda **kwargs: 3, raising=False)

    assert resume_ended_pcn_pauses.delay().get() == 3
