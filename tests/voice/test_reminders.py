"""Consultation emails: "it is open" to the audience, and a reminder 3 days before closing, once each."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from members.models import Membership
from tests.factories import MembershipFactory
from tests.voice.factories import good_answers, survey_with_questions
from voice import services
from voice.models import SurveyNotice

pytestmark = pytest.mark.django_db


def _reminded(mailoutbox) -> list[str]:
    return sorted(m.to[0] for m in mailoutbox if m.subject.startswith("3 days left"))


def test_the_audience_is_emailed_once_when_a_consultation_opens(mailoutbox):
    manager = MembershipFactory().user
    partner = MembershipFactory(role=Membership.Role.GP_PARTNER).user
    survey = survey_with_questions(audience="role", audience_role=Membership.Role.PRACTICE_MANAGER)

    services.consultation_notices_send_due()
    services.consultation_notices_send_due()

    opened = [m for m in mailoutbox if m.subject.startswith("Your views, please")]
    assert [m.to for m in opened] == [[manager.email]]
    assert partner.email not in [m.to[0] for m in mailoutbox]
    assert f"/voice/{survey.pk}/" in opened[0].body


def test_a_reminder_goes_3_days_before_closing_to_non_respondents_once_each(mailoutbox):
    now = timezone.now()
    survey = survey_with_questions(closes_at=now + timedelta(days=10))
    answered, waiting = MembershipFactory().user, MembershipFactory().user
    services.response_submit(survey=survey, user=answered, data=good_answers(survey))

    with time_machine.travel(now + timedelta(days=6), tick=False):
        services.consultation_notices_send_due()
    assert _reminded(mailoutbox) == []

    with time_machine.travel(now + timedelta(days=7, minutes=1), tick=False):
        services.consultation_notices_send_due()
        services.consultation_notices_send_due()
    with time_machine.travel(now + timedelta(days=8), tick=False):
        services.consultation_notices_send_due()

    assert _reminded(mailoutbox) == [waiting.email]
    assert SurveyNotice.objects.filter(kind=SurveyNotice.Kind.REMINDER).count() == 1


def test_no_reminder_after_closing(mailoutbox):
    now = timezone.now()
    survey = survey_with_questions(closes_at=now + timedelta(days=10))
    MembershipFactory()
    services.consultation_notices_send_due()

    with time_machine.travel(now + timedelta(days=10, minutes=1), tick=False):
        services.consultation_notices_send_due()

    assert _reminded(mailoutbox) == []
    assert not SurveyNotice.objects.filter(survey=survey, kind=SurveyNotice.Kind.REMINDER).exists()


def test_drafts_and_feedback_surveys_send_no_consultation_email(mailoutbox):
    MembershipFactory()
    survey_with_questions(published_at=None)

    services.consultation_notices_send_due()

    assert mailoutbox == []


def test_the_email_carries_no_answers_and_no_sign_in_link(mailoutbox):
    MembershipFactory()
    survey_with_questions()

    services.consultation_notices_send_due()

    body = mailoutbox[0].body
    assert "token" not in body
    assert "password" not in body.lower()


def test_the_jobs_are_on_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.filter(task__startswith="voice.").values_list("task", flat=True))
    assert tasks == {"voice.tasks.send_consultation_emails", "voice.tasks.send_feedback_invitations"}


def test_the_command_sends_what_is_due_once(mailoutbox):
    from io import StringIO

    from django.core.management import call_command

    MembershipFactory()
    survey_with_questions()
    out = StringIO()

    call_command("send_voice_emails", stdout=out)
    call_command("send_voice_emails", stdout=StringIO())

    assert out.getvalue().strip() == "Sent 1 consultation email and 0 feedback invitations."
    assert len(mailoutbox) == 1
