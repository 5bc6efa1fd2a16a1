from django.db import migrations

from members.permissions import LEVY_ADMIN, OFFICERS, grant, revoke

VIEW = ["levies.view_levyrate", "levies.view_listsize", "levies.view_remittance"]
MANAGE = VIEW + [
    "levies.add_levyrate",
    "levies.change_levyrate",
    "levies.delete_levyrate",
    "levies.add_listsize",
    "levies.change_listsize",
    "levies.delete_listsize",
    "levies.import_listsize",
    "levies.view_listsizeimport",
    "levies.add_remittance",
    "levies.change_remittance",
    "levies.delete_remittance",
]


def grant_levy_permissions(apps, schema_editor):
    grant(apps, LEVY_ADMIN, MANAGE)
    # Officers can see what a practice pays when they support it, but change nothing.
    grant(apps, OFFICERS, VIEW)


def revoke_levy_permissions(apps, schema_editor):
    revoke(apps, LEVY_ADMIN, MANAGE)
    revoke(apps, OFFICERS, VIEW)


class Migration(migrations.Migration):
    dependencies = [
        ("levies", "0001_initial"),
        ("members", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_levy_permissions, revoke_levy_permissions)]
