from django.db import migrations

from members.permissions import LEVY_ADMIN, OFFICERS, PROGRAMME_ADMIN, STAFF_GROUPS, TRIAGE_LEAD, grant

VIEW_MEMBERS = ["members.view_user", "members.view_practice", "members.view_pcn", "members.view_membership"]
MANAGE_MEMBERS = [
    "members.add_user",
    "members.change_user",
    "members.add_membership",
    "members.change_membership",
    "members.add_practice",
    "members.change_practice",
    "members.add_pcn",
    "members.change_pcn",
    "members.invite_member",
    "mail.view_outboundemail",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)
    grant(apps, OFFICERS, VIEW_MEMBERS)
    grant(apps, TRIAGE_LEAD, VIEW_MEMBERS + MANAGE_MEMBERS)
    grant(apps, LEVY_ADMIN, VIEW_MEMBERS + ["members.change_practice"])
    grant(apps, PROGRAMME_ADMIN, VIEW_MEMBERS + ["members.invite_member"])


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=STAFF_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("mail", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
