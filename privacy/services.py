"""Data protection rules that cross apps: recording a subject access export."""

from django.db import transaction
from django.http import HttpRequest

from members.client_ip import client_ip
from members.models import User

from .models import PersonalDataExport
from .personal_data import personal_data_sources

__all__ = ["personal_data_export_record"]


@transaction.atomic
def personal_data_export_record(
    *, subject: User, produced_by: User, request: HttpRequest | None = None
) -> PersonalDataExport:
    """Record that `produced_by` produced `subject`'s subject access export.

    When staff produce someone else's, each app also records what the export
    showed them in its own access log (enquiries: one row per enquiry).
    """
    export = PersonalDataExport(subject=subject, produced_by=produced_by, ip_address=client_ip(request))
    export.full_clean()
    export.save()
    if produced_by.pk != subject.pk:
        for source in personal_data_sources():
            source.record_staff_export(subject=subject, produced_by=produced_by, request=request)
    return export
