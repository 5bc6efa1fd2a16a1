"""Subject access: the personal data the portal holds about one person, as a ZIP.

Each app that holds personal data answers `privacy.signals.register_personal_data`
with a `PersonalDataSource` whose `collect(user)` returns
`{section name: [row dict, ...]}`. Sections come in INSTALLED_APPS order. A
section holds only the person's own data: nothing staff-only and no one
else's names.
"""

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from lmcportal import csv
from members.models import User

from .signals import register_personal_data

__all__ = [
    "Sections",
    "PersonalDocument",
    "PersonalDataSource",
    "account_sections",
    "personal_data_sources",
    "personal_data_collect",
    "personal_data_export",
    "personal_data_export_refusals",
    "personal_data_filename",
]

Sections = dict[str, list[dict[str, Any]]]


def _no_refusal(*, subject: User, staff: User) -> str:
    return ""


def _nothing_to_record(*, subject: User, produced_by: User, request: HttpRequest | None) -> None:
    return None


@dataclass(frozen=True)
class PersonalDocument:
    """A file the person gave or was given (a document sent with a message), for the export's `documents/` folder.

    `path` is its place inside that folder; `read()` returns its bytes, from
    Django's storage, only when the ZIP is written.
    """

    path: str
    read: Callable[[], bytes]


def _no_documents(user: User) -> list[PersonalDocument]:
    return []


@dataclass(frozen=True)
class PersonalDataSource:
    """One app's part of the subject access export.

    `collect(user)` returns the app's sections, and `documents(user)` the
    files that go with them (in the ZIP's `documents/` folder). When staff produce someone
    else's export, `refusal(subject=, staff=)` may return why they must not
    (for example, restricted enquiries they are not named on), and
    `record_staff_export(subject=, produced_by=, request=)` records what they
    saw in the app's own access log.
    """

    collect: Callable[[User], Sections]
    documents: Callable[[User], list[PersonalDocument]] = _no_documents
    refusal: Callable[..., str] = _no_refusal
    record_staff_export: Callable[..., None] = _nothing_to_record


def account_sections(user: User) -> Sections:
    """Return the account's own sections: profile, addresses, sign-in methods, memberships."""
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


def personal_data_sources() -> list[PersonalDataSource]:
    """Return every app's source, in INSTALLED_APPS order.

    Raise ImproperlyConfigured when an app that says it holds personal data
    has no receiver, or a receiver answers with something else.
    """
    sources: list[PersonalDataSource] = []
    for app_config in apps.get_app_configs():
        responses = register_personal_data.send(sender=app_config)
        if getattr(app_config, "holds_personal_data", False) and not responses:
            raise ImproperlyConfigured(
                f"App '{app_config.label}' holds personal data but nothing answers "
                "privacy.signals.register_personal_data for it."
            )
        for receiver, source in responses:
            if not isinstance(source, PersonalDataSource):
                raise ImproperlyConfigured(f"{receiver!r} must return a PersonalDataSource, not {source!r}.")
            sources.append(source)
    return sources


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def personal_data_collect(*, user: User) -> Sections:
    """Return every section of `user`'s personal data, values ready for JSON and CSV."""
    sections: Sections = {}
    for source in personal_data_sources():
        sections.update(source.collect(user))
    return {name: [{k: _value(v) for k, v in row.items()} for row in rows] for name, rows in sections.items()}


def personal_data_export_refusals(*, subject: User, staff: User) -> list[str]:
    """Return why `staff` may not produce `subject`'s export (empty when they may)."""
    reasons = (source.refusal(subject=subject, staff=staff) for source in personal_data_sources())
    return [reason for reason in reasons if reason]


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

The documents folder holds the files sent with messages on your enquiries
({documents} file(s)), one folder per enquiry reference.

This is the data the portal holds about you. It does not include notes the
LMC's officers keep for their own work, nor other people's personal data.
To ask for a correction, or for anything else the LMC holds about you,
contact the LMC ({email}).
"""


def personal_data_export(*, user: User) -> bytes:
    """Return a ZIP of `user`'s personal data: one JSON file, one CSV per section and a README."""
    sections = personal_data_collect(user=user)
    documents = [document for source in personal_data_sources() for document in source.documents(user)]
    now = timezone.localtime()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                lmc=settings.LMC_NAME,
                when=f"{now:%d %B %Y at %H:%M}",
                sections="\n".join(f"- {name}: {len(rows)} row(s)" for name, rows in sections.items()),
                documents=len(documents),
                email=settings.LMC_TRIAGE_EMAIL,
            ),
        )
        archive.writestr("personal_data.json", json.dumps(sections, indent=2, ensure_ascii=False))
        for name, rows in sections.items():
            if rows:
                archive.writestr(f"{name}.csv", _csv(rows))
        for document in documents:
            archive.writestr(f"documents/{document.path}", document.read())
    return buffer.getvalue()


def personal_data_filename(*, user: User) -> str:
    """Return the download name of `user`'s export, dated today."""
    return f"personal-data-{slugify(user.email)}-{timezone.localdate():%Y-%m-%d}.zip"
