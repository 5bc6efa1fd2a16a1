"""Subject access: the personal data the portal holds about one person, as a ZIP.

Each app that holds personal data provides `<app>.personal_data.collect(user)`
returning `{section name: [row dict, ...]}`; it is found the way seed_demo
finds `<app>.demo`. A section holds only the person's own data: nothing
staff-only and no one else's names.
"""

import csv
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from .models import User

# Apps that contribute sections, after the profile and memberships here.
PERSONAL_DATA_MODULES = ["enquiries.personal_data", "levies.personal_data", "programmes.personal_data", "voice.personal_data"]

Sections = dict[str, list[dict[str, Any]]]


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _profile(user: User) -> Sections:
    return {
        "profile": [
            {
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "phone": user.phone,
                "account_active": user.is_active,
                "joined": user.date_joined,
                "last_login": user.last_login,
                "last_invited": user.invited_at,
            }
        ],
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        # Which sign-in methods are set up, never their secrets.
        "sign_in_methods": [
            {"type": a.get_type_display(), "added": a.created_at, "last_used": a.last_used_at}
            for a in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
        "memberships": [
            {
                "practice": m.practice.name,
                "ods_code": m.practice.ods_code,
                "role": m.get_role_display(),
                "active": m.is_active,
                "since": m.created_at,
            }
            for m in user.memberships.select_related("practice").order_by("practice__name")
        ],
    }


def personal_data_collect(*, user: User) -> Sections:
    """Return every section of `user`'s personal data, values ready for JSON and CSV."""
    sections = _profile(user)
    for module_name in PERSONAL_DATA_MODULES:
        if find_spec(module_name) is not None:
            sections.update(import_module(module_name).collect(user))
    return {name: [{k: _value(v) for k, v in row.items()} for row in rows] for name, rows in sections.items()}


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


README = """Your personal data from the {lmc} portal, produced {when}.

personal_data.json holds everything in one file; each .csv file holds one
section (open it in a spreadsheet). Sections:
{sections}

This is the data the portal holds about you. It does not include notes the
LMC's officers keep for their own work, nor other people's personal data.
To ask for a correction, or for anything else the LMC holds about you,
contact the LMC ({email}).
"""


def personal_data_export(*, user: User) -> bytes:
    """Return a ZIP of `user`'s personal data: one JSON file, one CSV per section and a README."""
    sections = personal_data_collect(user=user)
    now = timezone.localtime()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                lmc=settings.LMC_NAME,
                when=f"{now:%d %B %Y at %H:%M}",
                sections="\n".join(f"- {name}: {len(rows)} row(s)" for name, rows in sections.items()),
                email=settings.LMC_TRIAGE_EMAIL,
            ),
        )
        archive.writestr("personal_data.json", json.dumps(sections, indent=2, ensure_ascii=False))
        for name, rows in sections.items():
            if rows:
                archive.writestr(f"{name}.csv", _csv(rows))
    return buffer.getvalue()


def personal_data_filename(*, user: User) -> str:
    return f"personal-data-{slugify(user.email)}-{timezone.localdate():%Y-%m-%d}.zip"
