"""Celery tasks for levies. Each takes primary keys and is safe to run twice."""

from celery import shared_task

from . import services


@shared_task
def read_list_size_import(import_id: int) -> None:
    """Read an uploaded list-size file, updating its progress as it goes."""
    services.list_size_import_read(import_id=import_id)
