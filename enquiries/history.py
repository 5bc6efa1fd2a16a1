"""Who changed an enquiry, when and why: the one way services attribute a row of its history.

django-simple-history reads `_history_user`, `_history_date` and
`_change_reason` from the instance when it writes the history row of a
save. They are cleared afterwards, because simple-history would otherwise
reuse them for every later save of the same instance.
"""

from datetime import datetime
from typing import Any

from django.db import models

__all__ = ["save_with_history"]

_ATTRIBUTES = ("_history_user", "_history_date", "_change_reason")


def save_with_history(
    instance: models.Model, *, by: Any = None, at: datetime | None = None, reason: str | None = None
) -> None:
    """Save `instance`, recording `by`, `at` and `reason` on the history row it writes.

    What is not given is left to simple-history: the signed-in user of the
    request (through its middleware), and the moment of the save.
    """
    for name, value in zip(_ATTRIBUTES, (by, at, reason), strict=True):
        if value is not None:
            setattr(instance, name, value)
    try:
        instance.save()
    finally:
        for name in _ATTRIBUTES:
            if name in instance.__dict__:
                delattr(instance, name)
