from django.db import migrations

from members.permissions import TRIAGE_LEAD, grant, revoke

TRIAGE_LEAD_PERMISSIONS = [
    "enquiries.view_enquiryaccess",
    "enquiries.view_personaldataexport",
    "enquiries.restrict_enquiry",
    "enquiries.export_personal_data",
    "enquiries.view_retentionpolicy",
    "enquiries.add_retentionpolicy",
    "enquiries.change_retentionpolicy",
    "enquiries.delete_retentionpolicy",
]


def grant_permissions(apps, schema_editor):
    grant(apps, TRIAGE_LEAD, TRIAGE_LEAD_PERMISSIONS)


def revoke_permissions(apps, schema_editor):
    revoke(apps, TRIAGE_LEAD, TRIAGE_LEAD_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0007_data_protection"),
        ("members", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
