"""Helpers shared by the triage tests: staff in each group, logged in to the admin."""

from datetime import datetime
from importlib import import_module
from zoneinfo import ZoneInfo

from members.permissions import LEVY_ADMIN, OFFICERS, PROGRAMME_ADMIN, TRIAGE_LEAD
from tests.conftest import give_totp
from tests.factories import StaffFactory

LONDON = ZoneInfo("Europe/London")
GROUPS = {"officer": [OFFICERS], "lead": [TRIAGE_LEAD], "levy": [LEVY_ADMIN], "programme": [PROGRAMME_ADMIN], "none": []}


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def make_staff(kind: str, **kwargs):
    """An active staff member in the groups for `kind` (officer, lead, levy, programme, none), with TOTP."""
    user = StaffFactory(groups=GROUPS[kind], **kwargs)
    give_totp(user)
    return user


def admin_client(client, kind: str, **kwargs):
    user = make_staff(kind, **kwargs)
    client.force_login(user)
    client.user = user
    return client


def restore_triage_grants() -> None:
    """Give the officers' and triage lead's groups their triage rights again.

    Transactional and live-server tests flush the database after each test, which
    drops what the data migrations granted (Django recreates permission rows, not grants).
    """
    from django.contrib.auth.models import Group, Permission

    migration = import_module("enquiries.migrations.0004_triage_permissions")
    grants = {OFFICERS: migration.WORK_ENQUIRIES, TRIAGE_LEAD: migration.WORK_ENQUIRIES + migration.LEAD_ONLY}
    for name, granted in grants.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="enquiries", codename__in=[perm.split(".")[1] for perm in granted]
            )
        )
