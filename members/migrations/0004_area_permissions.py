from django.db import migrations

from members.permissions import LEVY_ADMIN, OFFICERS, PROGRAMME_ADMIN, TRIAGE_LEAD, grant, revoke

VIEW = ["members.view_area"]
MANAGE = ["members.add_area", "members.change_area"]


def give(apps, schema_editor):
    for group in (OFFICERS, TRIAGE_LEAD, LEVY_ADMIN):
        grant(apps, group, VIEW)
    grant(apps, PROGRAMME_ADMIN, VIEW + MANAGE)


def take(apps, schema_editor):
    for group in (OFFICERS, TRIAGE_LEAD, LEVY_ADMIN):
        revoke(apps, group, VIEW)
    revoke(apps, PROGRAMME_ADMIN, VIEW + MANAGE)


class Migration(migrations.Migration):
    dependencies = [("members", "0003_area_and_gp_trainee_role")]

    operations = [migrations.RunPython(give, take)]
