"""Staff permissions, the two standing feedback surveys, and the member-voice jobs on beat's schedule.

Idempotent (tests replay data migrations after flushing).
"""

from datetime import datetime, timezone

from django.db import migrations

from lmcportal.beat import periodic_task_add, periodic_task_remove
from members.permissions import OFFICERS, PROGRAMME_ADMIN, TRIAGE_LEAD, grant, revoke

ALL = [f"voice.{action}_{model}" for model in ("survey", "question") for action in ("view", "add", "change", "delete")]
ALL += ["voice.view_results"]
PROGRAMME = [f"voice.{action}_{model}" for model in ("survey", "question") for action in ("view", "add", "change")]
PROGRAMME += ["voice.view_results"]

CONSULTATION_EMAILS = "Consultations: open notices and 3-day reminders"
FEEDBACK_INVITATIONS = "Feedback invitations after enquiries and sessions"

OPENS = datetime(2026, 1, 1, tzinfo=timezone.utc)
CLOSES = datetime(2099, 12, 31, tzinfo=timezone.utc)

FEEDBACK_SURVEYS = [
    (
        "support_feedback",
        "How did we do? Feedback on our support",
        "We have closed your enquiry. Three short questions help us see whether our support helped, and what to change.",
        "How satisfied are you with the support you had from the LMC?",
        "Would you ask the LMC for support again?",
    ),
    (
        "session_feedback",
        "How was the session? Feedback on the programme",
        "Thank you for coming. Three short questions help us plan the next sessions.",
        "How satisfied are you with the session?",
        "Would you recommend these sessions to a colleague?",
    ),
]


def forwards(apps, schema_editor):
    grant(apps, OFFICERS, ALL)
    grant(apps, TRIAGE_LEAD, ALL)
    grant(apps, PROGRAMME_ADMIN, PROGRAMME)
    Survey = apps.get_model("voice", "Survey")
    Question = apps.get_model("voice", "Question")
    for purpose, title, introduction, satisfied, again in FEEDBACK_SURVEYS:
        if Survey.objects.filter(purpose=purpose, audience="invited").exists():
            continue
        survey = Survey.objects.create(
            title=title,
            purpose=purpose,
            introduction=introduction,
            anonymous=True,
            audience="invited",
            opens_at=OPENS,
            closes_at=CLOSES,
            published_at=OPENS,
        )
        Question.objects.create(survey=survey, position=1, text=satisfied, kind="scale", required=True)
        Question.objects.create(
            survey=survey, position=2, text=again, kind="single", required=True, choices="Yes\nNot sure\nNo"
        )
        Question.objects.create(
            survey=survey,
            position=3,
            text="Anything you would like to tell us?",
            hint="Please do not include names or details of your enquiry.",
            kind="text",
            required=False,
            max_length=2000,
        )
    periodic_task_add(
        apps,
        name=CONSULTATION_EMAILS,
        task="voice.tasks.send_consultation_emails",
        every_minutes=15,
        description="Emails members when a consultation opens, and non-respondents 3 days before it closes; once each.",
        expire_seconds=15 * 60,
    )
    periodic_task_add(
        apps,
        name=FEEDBACK_INVITATIONS,
        task="voice.tasks.send_feedback_invitations",
        every_minutes=60,
        description="Invites feedback a working day after an enquiry closes or a session is held; once each.",
        expire_seconds=60 * 60,
    )


def backwards(apps, schema_editor):
    revoke(apps, OFFICERS, ALL)
    revoke(apps, TRIAGE_LEAD, ALL)
    revoke(apps, PROGRAMME_ADMIN, PROGRAMME)
    periodic_task_remove(apps, name=CONSULTATION_EMAILS)
    periodic_task_remove(apps, name=FEEDBACK_INVITATIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0001_surveys"),
        ("members", "0002_staff_groups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
