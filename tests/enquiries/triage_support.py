"""Helpers shared by the triage tests: staff in each group, logged in to the admin."""

from datetime import datetime
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
