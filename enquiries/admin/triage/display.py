"""How the triage pages write times and officers' names."""

from datetime import datetime

from django.utils import timezone

from members.models import User

__all__ = ["local_time", "officer_name"]


def local_time(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def officer_name(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user else ""
