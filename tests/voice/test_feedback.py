"""Feedback after an enquiry closes and after a session: one invitation, a working day later, a link that works once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from enquiries.models import Status
from programmes.models import Booking
from tests.enquiries.factories import EnquiryFactory
from tests.factories import MembershipFactory
from tests.programmes.factories import BookingFactory, SessionFactory, london
from voice import services
from voice.models import FeedbackInvitation, Respondent, Response, Survey

pytestmark = pytest.mark.django_db

FRIDAY_AFTERNOON = london(2026, 11, 13, 15, 0)
SATURDAY, SUNDAY = london(2026, 11, 14, 10, 0), london(2026, 11, 15, 10, 0)
MONDAY = london(2026, 11, 16, 8, 0)


def _closed_enquiry(closed_at):
    return EnquiryFactory(
        submitted_at=closed_at - timedelta(days=20),
        first_contact_due_at=closed_at - timedelta(days=15),
        first_contact_at=closed_at - timedelta(days=16),
        status=Status.CLOSED,
        outcome="Agreed a new rota.",
        closed_at=closed_at,
    )


def _sweep(at):
    with time_machine.travel(at, tick=False):
        return services.feedback_invitations_send_due()


def _link(message) -> str:
    return re.search(r"https?://\S+(/voice/feedback/[\w-]+/)", message.body).group(1)


def test_closing_an_enquiry_leads_to_one_invitation_a_working_day_later_to_its_sender(mailoutbox):
    enquiry = _closed_enquiry(FRIDAY_AFTERNOON)
    colleague = MembershipFactory(practice=enquiry.practice).user

    assert _sweep(SATURDAY) == 0
    assert _sweep(SUNDAY) == 0
    assert _sweep(MONDAY) == 1
    assert _sweep(MONDAY + timedelta(hours=1)) == 0

    assert [m.to for m in mailoutbox] == [[enquiry.submitted_by.email]]
    assert colleague.email not in mailoutbox[0].to
    assert enquiry.reference in mailoutbox[0].body
    assert enquiry.summary not in mailoutbox[0].body
    assert enquiry.details not in mailoutbox[0].body
    invitation = FeedbackInvitation.objects.get()
    assert invitation.enquiry == enquiry
    assert invitation.expires_at == invitation.created_at + timedelta(days=30)


def test_an_open_enquiry_gets_no_invitation(mailoutbox):
    EnquiryFactory(submitted_at=FRIDAY_AFTERNOON - timedelta(days=3))

    assert _sweep(MONDAY) == 0
    assert mailoutbox == []


def test_the_link_works_once(client, mailoutbox):
    enquiry = _closed_enquiry(FRIDAY_AFTERNOON)
    _sweep(MONDAY)
    link = _link(mailoutbox[0])
    client.force_login(enquiry.submitted_by)
    survey = FeedbackInvitation.objects.get().survey
    satisfied, again, _ = survey.questions.all()
    answers = {satisfied.field_name: "5", again.field_name: "Yes"}

    assert client.get(link).status_code == 200
    assert client.post(link, answers).status_code == 200

    again_response = client.post(link, answers)
    assert again_response.status_code == 410
    assert "already given your feedback" in again_response.content.decode()
    assert Response.objects.filter(survey=survey, topic=enquiry.get_topic_display()).count() == 1
    assert Respondent.objects.filter(user=enquiry.submitted_by, context=f"enquiry:{enquiry.pk}").count() == 1


def test_the_link_expires_after_30_days(client, mailoutbox):
    enquiry = _closed_enquiry(FRIDAY_AFTERNOON)
    _sweep(MONDAY)
    link = _link(mailoutbox[0])
    client.force_login(enquiry.submitted_by)

    with time_machine.travel(MONDAY + timedelta(days=30, minutes=1), tick=False):
        response = client.get(link)

    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_someone_else_following_the_link_finds_nothing(client, mailoutbox):
    enquiry = _closed_enquiry(FRIDAY_AFTERNOON)
    _sweep(MONDAY)
    client.force_login(MembershipFactory(practice=enquiry.practice).user)

    assert client.get(_link(mailoutbox[0])).status_code == 404


def test_the_feedback_response_keeps_the_service_and_topic_but_not_the_enquiry(client, mailoutbox):
    enquiry = _closed_enquiry(FRIDAY_AFTERNOON)
    _sweep(MONDAY)
    client.force_login(enquiry.submitted_by)
    survey = Survey.objects.get(purpose=Survey.Purpose.SUPPORT_FEEDBACK)
    satisfied, again, text = survey.questions.all()

    client.post(_link(mailoutbox[0]), {satisfied.field_name: "2", again.field_name: "No", text.field_name: "Slow"})

    response = Response.objects.get(survey=survey)
    assert (response.service, response.topic, response.role, response.pcn) == (
        "Leadership and Management Support", enquiry.get_topic_display(), "", None
    )


def test_attendees_of_a_session_are_invited_once_a_working_day_after(mailoutbox):
    session = SessionFactory(
        starts_at=FRIDAY_AFTERNOON - timedelta(hours=3),
        ends_at=FRIDAY_AFTERNOON - timedelta(hours=1),
        booking_closes_at=FRIDAY_AFTERNOON - timedelta(days=2),
        cancellation_until=FRIDAY_AFTERNOON - timedelta(days=2),
    )
    came = BookingFactory(session=session, attended=True)
    BookingFactory(session=session, attended=False)
    BookingFactory(session=session, status=Booking.Status.CANCELLED)

    assert _sweep(SUNDAY) == 0
    assert _sweep(MONDAY) == 1
    assert _sweep(MONDAY) == 0
    assert [m.to for m in mailoutbox] == [[came.user.email]]
    assert FeedbackInvitation.objects.get().session == session


def test_nothing_is_sent_when_staff_have_closed_the_feedback_survey(mailoutbox):
    Survey.objects.filter(purpose=Survey.Purpose.SUPPORT_FEEDBACK).update(published_at=None)
    _closed_enquiry(FRIDAY_AFTERNOON)

    assert _sweep(MONDAY) == 0


def test_anonymous_visitors_following_the_link_are_asked_to_log_in(client):
    response = client.get(reverse("voice:feedback", args=["anything"]))

    assert response.status_code == 302
