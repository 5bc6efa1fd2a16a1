"""Migrations depend on stable helper modules, and Celery logs through Django's LOGGING."""

import ast
import logging
import sys
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
STABLE_HELPERS = {"lmcportal.beat", "members.permissions"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_migrations_import_only_django_and_the_stable_helpers():
    # Django, simple-history and the standard library do not change under a migration; our live modules do.
    allowed_prefixes = ("django", "simple_history")
    offences = {
        str(path.relative_to(BASE)): sorted(
            name
            for name in imports_of(path)
            if not name.startswith(allowed_prefixes)
            and name.split(".")[0] not in sys.stdlib_module_names
            and name not in STABLE_HELPERS
            and not name.endswith(".models")
        )
        for path in BASE.glob("*/migrations/0*.py")
    }

    assert {path: names for path, names in offences.items() if names} == {}


def test_the_beat_helpers_import_neither_celery_nor_the_portal():
    names = imports_of(BASE / "lmcportal" / "beat.py")

    assert not {name for name in names if name.split(".")[0] in {"celery", "lmcportal", "members", "mail"}}


def test_the_old_celery_module_still_offers_the_beat_helpers_to_old_migrations():
    from lmcportal import beat
    from lmcportal.celery import periodic_task_add, periodic_task_remove

    assert (periodic_task_add, periodic_task_remove) == (beat.periodic_task_add, beat.periodic_task_remove)


def test_celery_logging_is_configured_from_django_logging():
    from celery.signals import setup_logging

    from lmcportal.celery import config_loggers

    assert setup_logging.has_listeners()
    logging.getLogger("django.db.backends").setLevel(logging.DEBUG)

    setup_logging.send(sender=None, loglevel="INFO", logfile=None, format="", colorize=False)

    assert config_loggers in [ref() for _, ref in setup_logging.receivers]
    assert logging.getLogger("django.db.backends").level == logging.WARNING
