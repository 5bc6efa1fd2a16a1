"""On PostgreSQL: one person submitting twice at once, and two sweeps at once."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.concurrency import run_concurrently
from tests.factories import MembershipFactory
from tests.voice.factories import good_answers, survey_with_questions
from voice import selectors, services
from voice.models import Answer, Respondent, Response, SurveyNotice

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_submissions_by_one_person_leave_one_response():
    survey = survey_with_questions()
    person = MembershipFactory().user

    results, errors = run_concurrently(
        4, lambda: services.response_submit(survey=survey, user=person, data=good_answers(survey))
    )

    assert len(results) == 1
    assert len(errors) == 3
    assert all(isinstance(error, services.AlreadyResponded) for error in errors)
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(response__survey=survey).count() == 5
    assert Respondent.objects.filter(survey=survey).count() == 1


def test_two_concurrent_sweeps_send_each_reminder_exactly_once(mailoutbox, monkeypatch):
    survey = survey_with_questions()
    people = [MembershipFactory().user for _ in range(4)]
    # Everyone already knows it is open; then it comes within 3 days of closing: the race is for the reminders.
    services.consultation_notices_send_due()
    mailoutbox.clear()
    survey.closes_at = timezone.now() + timedelta(days=2)
    survey.save()

    sweeps = 3
    barrier = threading.Barrier(sweeps, timeout=30)
    real = selectors.users_due_notice

    def in_step(*, survey, kind):
        users = list(real(survey=survey, kind=kind))
        barrier.wait()
        return users

    monkeypatch.setattr(selectors, "users_due_notice", in_step)

    results, errors = run_concurrently(sweeps, services.consultation_notices_send_due)

    assert errors == []
    assert sum(results) == 4
    assert sorted(message.to[0] for message in mailoutbox) == sorted(person.email for person in people)
    assert SurveyNotice.objects.filter(survey=survey, kind=SurveyNotice.Kind.REMINDER).count() == 4


def test_two_concurrent_feedback_sweeps_invite_each_person_once(mailoutbox):
    from enquiries.models import Status
    from tests.enquiries.factories import EnquiryFactory
    from voice.models import FeedbackInvitation

    closed_at = timezone.now() - timedelta(days=5)
    enquiries = [
        EnquiryFactory(
            submitted_at=closed_at - timedelta(days=20),
            first_contact_due_at=closed_at - timedelta(days=15),
            first_contact_at=closed_at - timedelta(days=16),
            status=Status.CLOSED,
            outcome="Done.",
            closed_at=closed_at,
        )
        for _ in range(5)
    ]

    results, errors = run_concurrently(3, services.feedback_invitations_send_due)

    assert errors == []
    assert sum(results) == 5
    assert sorted(m.to[0] for m in mailoutbox) == sorted(e.submitted_by.email for e in enquiries)
    assert FeedbackInvitation.objects.count() == 5
