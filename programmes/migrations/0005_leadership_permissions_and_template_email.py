from django.db import migrations

from members.permissions import PROGRAMME_ADMIN, grant, revoke

MODELS = [
    "programme", "cohort", "cohortsession", "enrolment", "attendance",
    "traininghub", "huboffer", "hubemailtemplate", "leadershipinterest",
]
PERMS = [f"programmes.{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")]

SUBJECT = "Leadership and management training for a {role}"
BODY = """Dear {hub} team,

I am {name}, a {role} at {practice}. I would like to develop my leadership and management skills, and I would be grateful if you could tell me what you offer, in particular:

- one-off skills sessions (for example on leading meetings, finance, or managing change)
- leadership programmes, including any Next Generation GP cohort near me
- shadowing or mentoring from a local leader
- eLearning I can do in my own time

It would also help to know how to apply, what each option costs (if anything), and whether there are dates coming up.

Thank you,
{name}
{practice}
"""


def give(apps, schema_editor):
    grant(apps, PROGRAMME_ADMIN, PERMS)
    HubEmailTemplate = apps.get_model("programmes", "HubEmailTemplate")
    if not HubEmailTemplate.objects.exists():
        HubEmailTemplate.objects.create(subject=SUBJECT, body=BODY)


def take(apps, schema_editor):
    revoke(apps, PROGRAMME_ADMIN, PERMS)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0004_programmes_cohorts_training_hubs")]

    operations = [migrations.RunPython(give, take)]
