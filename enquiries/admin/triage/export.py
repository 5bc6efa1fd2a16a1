"""The triage dashboard's CSV export: its columns and the writer."""

from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone

from lmcportal import csv

from ...models import Enquiry
from ...services import triage as services
from ...sla import SLA_STATE_LABELS, SlaState
from .display import local_time, officer_name

__all__ = ["CSV_COLUMNS", "CSV_DETAIL_COLUMNS", "enquiries_csv_response"]

CSV_COLUMNS = [
    ("Reference", lambda e: e.reference),
    ("Submitted", lambda e: local_time(e.submitted_at)),
    ("Practice", lambda e: e.practice.name),
    ("ODS code", lambda e: e.practice.ods_code),
    ("PCN", lambda e: e.practice.pcn.name if e.practice.pcn else ""),
    ("Scope", lambda e: e.get_scope_display()),
    ("Topic", lambda e: e.get_topic_display()),
    ("Urgent", lambda e: "yes" if e.urgent else "no"),
    ("Status", lambda e: e.get_status_display()),
    ("Assigned officer", lambda e: officer_name(e.assigned_to)),
    ("First contact due", lambda e: local_time(e.first_contact_due_at)),
    ("First contact", lambda e: local_time(e.first_contact_at)),
    ("First contact method", lambda e: dict(services.CONTACT_METHODS).get(e.first_contact_method, "")),
    ("SLA state", lambda e: SLA_STATE_LABELS[SlaState(e.sla_state)]),
    ("Closed", lambda e: local_time(e.closed_at)),
]
CSV_DETAIL_COLUMNS = [
    ("Summary", lambda e: e.summary),
    ("Details", lambda e: e.details),
    ("Why urgent", lambda e: e.urgent_reason),
    ("Preferred contact times", lambda e: e.preferred_contact_times),
    ("Contact phone", lambda e: e.contact_phone),
    ("Plan", lambda e: e.plan),
    ("Outcome", lambda e: e.outcome),
]


def enquiries_csv_response(enquiries: Iterable[Enquiry], *, with_details: bool) -> HttpResponse:
    """Return a CSV download of `enquiries` (annotated with `sla_state`), with the members' text if `with_details`."""
    columns = CSV_COLUMNS + CSV_DETAIL_COLUMNS if with_details else CSV_COLUMNS
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime()
    response["Content-Disposition"] = f'attachment; filename="enquiries-{stamp:%Y-%m-%d-%H%M}.csv"'
    writer = csv.writer(response)
    writer.writerow([title for title, _ in columns])
    for enquiry in enquiries:
        writer.writerow([str(value(enquiry)) for _, value in columns])
    return response
