"""Give the staff groups their rights on the triage dashboard.

Officers work enquiries; the triage lead also assigns to others, closes and
exports the members' text. Levy and programme administrators get no access.
"""

from django.db import migrations

from members.permissions import OFFICERS, TRIAGE_LEAD, grant, revoke

WORK_ENQUIRIES = [
    "enquiries.view_enquiry",
    # Needed to add staff notes on the change form; the enquiry's own fields are read-only.
    "enquiries.change_enquiry",
    "enquiries.take_enquiry",
    "enquiries.record_contact_enquiry",
    "enquiries.escalate_enquiry",
    "enquiries.view_staffnote",
    "enquiries.add_staffnote",
]
LEAD_ONLY = [
    "enquiries.assign_enquiry",
    "enquiries.close_enquiry",
    "enquiries.export_enquiry_details",
]


def grant_triage(apps, schema_editor):
    grant(apps, OFFICERS, WORK_ENQUIRIES)
    grant(apps, TRIAGE_LEAD, WORK_ENQUIRIES + LEAD_ONLY)


def revoke_triage(apps, schema_editor):
    revoke(apps, OFFICERS, WORK_ENQUIRIES)
    revoke(apps, TRIAGE_LEAD, WORK_ENQUIRIES + LEAD_ONLY)


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0001_initial"),
        ("enquiries", "0003_staff_notes"),
        ("members", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_triage, revoke_triage)]
