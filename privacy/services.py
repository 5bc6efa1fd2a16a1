"""Data protection rules that cross apps: recording a subject access export."""

import ipaddress

from django.db import transaction
from django.http import HttpRequest

from members.models import User

from .models import PersonalDataExport
from .personal_data import personal_data_sources

__all__ = ["request_ip", "personal_data_export_record"]


def request_ip(request: HttpRequest | None) -> str | None:
    """Return the client's IP address as the web server saw it, or None.

    REMOTE_ADDR only: X-Forwarded-For is written by the client unless a
    trusted proxy rewrites it, and a log must not record what a user claims.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


@transaction.atomic
def personal_data_export_record(
    *, subject: User, produced_by: User, request: HttpRequest | None = None
) -> PersonalDataExport:
    """Record that `produced_by` produced `subject`'s subject access export.

    When staff produce someone else's, each app also records what the export
    showed them in its own access log (enquiries: one row per enquiry).
    """
    export = PersonalDataExport(subject=subject, produced_by=produced_by, ip_address=request_ip(request))
    export.full_clean()
    export.save()
    if produced_by.pk != subject.pk:
        for source in personal_data_sources():
            source.record_staff_export(subject=subject, produced_by=produced_by, request=request)
    return export
