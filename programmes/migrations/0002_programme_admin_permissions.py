from django.db import migrations

from members.permissions import PROGRAMME_ADMIN, grant, revoke

MODELS = ["area", "aspiringgroup", "session", "booking", "training", "peerreview", "goal", "mentoring", "mentoringsession"]
PERMS = [f"programmes.{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")]


def give(apps, schema_editor):
    grant(apps, PROGRAMME_ADMIN, PERMS)


def take(apps, schema_editor):
    revoke(apps, PROGRAMME_ADMIN, PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("members", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(give, take)]
