from django.db import migrations

from members.permissions import OFFICERS, TRIAGE_LEAD, grant, revoke

OFFICER_PERMISSIONS = [
    "enquiries.view_conflictofinterest",
    "enquiries.add_conflictofinterest",
    "enquiries.declare_own_conflict",
]
TRIAGE_LEAD_PERMISSIONS = [*OFFICER_PERMISSIONS, "enquiries.manage_conflicts"]


def grant_permissions(apps, schema_editor):
    grant(apps, OFFICERS, OFFICER_PERMISSIONS)
    grant(apps, TRIAGE_LEAD, TRIAGE_LEAD_PERMISSIONS)


def revoke_permissions(apps, schema_editor):
    revoke(apps, OFFICERS, OFFICER_PERMISSIONS)
    revoke(apps, TRIAGE_LEAD, TRIAGE_LEAD_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0011_conflict_of_interest"),
        ("members", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
