"""Celery tasks for levies. Each takes primary keys and is safe to run twice."""

from celery import shared_task

from . import services


@shared_task
def read_list_size_import(import_id: int) -> None:
    """Read an uploaded list-size file, updating its progress as it goes."""
    services.list_size_import_read(import_id=import_id)


@shared_task(name="levies.tasks.fail_stalled_list_size_imports", ignore_result=True, expires=5 * 60)
def fail_stalled_list_size_imports() -> int:
    """Mark list-size imports whose reading never finished as failed, with the reason."""
    return services.list_size_imports_fail_stalled()
