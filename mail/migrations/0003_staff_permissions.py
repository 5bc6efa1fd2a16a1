"""Let LMC staff see the outbox (failed emails need a human) and the triage lead retry them."""

from django.db import migrations

from members.permissions import OFFICERS, TRIAGE_LEAD, grant, revoke

VIEW = ["mail.view_outboundemail"]
RETRY = ["mail.view_outboundemail", "mail.change_outboundemail"]


def forwards(apps, schema_editor):
    grant(apps, OFFICERS, VIEW)
    grant(apps, TRIAGE_LEAD, RETRY)


def backwards(apps, schema_editor):
    revoke(apps, OFFICERS, VIEW)
    # members' own migration lets the triage lead view the outbox: undo only what we added.
    revoke(apps, TRIAGE_LEAD, ["mail.change_outboundemail"])


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0002_outbox_schedule"),
        ("members", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
