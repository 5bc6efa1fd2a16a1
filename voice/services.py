"""Member voice: answering, publishing, the "it is open" and reminder emails, feedback invitations.

Once only, everywhere, by a unique constraint that the database enforces:
- a person answers once: `Respondent` (survey, user, context) is inserted in
  the same transaction as the response; a second submission, even at the same
  instant, hits the constraint and the whole transaction is rolled back;
- each email is a `SurveyNotice` (survey, user, kind) or a `FeedbackInvitation`
  (user, enquiry|session), inserted in one durable transaction with its outbox
  email (with a dedupe key), exactly as `enquiries.services.reminders` does. Two
  sweeps racing for the same person both try the insert; one commits.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from enquiries.models import Enquiry
from mail.services import email_queue, emails_deliver
from members.models import User
from programmes.models import Session

from . import selectors
from .answers import AnswerSet, answers_read
from .models import (
    Answer,
    FeedbackInvitation,
    NamedResponse,
    Question,
    Respondent,
    Response,
    Survey,
    SurveyNotice,
)

__all__ = [
    "ALREADY_RESPONDED",
    "INVITATION_DAYS",
    "AlreadyResponded",
    "AnswersInvalid",
    "InvitationUnusable",
    "SurveyClosed",
    "consultation_notices_send_due",
    "feedback_invitations_send_due",
    "invitation_claim",
    "notice_claim",
    "response_submit",
    "survey_closed_message",
    "survey_publish",
    "token_hash",
    "you_said_we_did_publish",
]

logger = logging.getLogger(__name__)

ALREADY_RESPONDED = "You have already responded to this survey, so we have not saved these answers. Thank you for taking part."
INVITATION_DAYS = 30
SWEEP_LIMIT = 2000
SUPPORT_SERVICE = "Leadership and Management Support"  # the demo's feedback; real feedback names its service
PROGRAMME_SERVICE = "Practice Manager Development Programme"


class SurveyClosed(ValidationError):
    pass


class AlreadyResponded(ValidationError):
    pass


class InvitationUnusable(ValidationError):
    pass


class AnswersInvalid(ValidationError):
    def __init__(self, answers: AnswerSet):
        super().__init__("Some answers need changing.")
        self.answers = answers


def survey_closed_message(survey: Survey) -> str:
    closed = dateformat.format(timezone.localtime(survey.closes_at), r"l j F Y \a\t H:i")
    return f"This survey closed on {closed}, so we can no longer accept answers. Nothing you entered has been saved."


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Answering --------------------------------------------------------------------


def response_submit(
    *,
    survey: Survey,
    user: User,
    data,
    invitation: FeedbackInvitation | None = None,
    now: datetime | None = None,
) -> Response:
    """Check and save one person's answers to `survey`, once.

    Raise `SurveyClosed` outside the opening window, `AnswersInvalid` (with
    every question's error) for bad answers, `AlreadyResponded` for a second
    response and `InvitationUnusable` for a used or expired feedback link. In
    every refusal nothing is saved. For an anonymous survey the response keeps
    no link to the person: see `voice.models`.
    """
    now = now or timezone.now()
    if not (survey.opens_at <= now < survey.closes_at):
        raise SurveyClosed(survey_closed_message(survey) if now >= survey.closes_at else "This survey is not open yet.")
    context = invitation.context if invitation else ""
    # Said before checking the answers, so a second attempt is told why at once; the
    # unique constraint below is what actually guarantees it under concurrency.
    if Respondent.objects.filter(survey=survey, user=user, context=context).exists():
        raise AlreadyResponded(ALREADY_RESPONDED)
    questions = list(survey.questions.all())
    answers = answers_read(questions, data)
    if not answers.is_valid:
        raise AnswersInvalid(answers)
    with transaction.atomic():
        if invitation is not None:
            used = FeedbackInvitation.objects.filter(
                pk=invitation.pk, user=user, used_at__isnull=True, expires_at__gt=now
            ).update(used_at=now)
            if not used:
                raise InvitationUnusable(
                    "This feedback link has already been used or has expired. Thank you: there is nothing more to do."
                )
        try:
            with transaction.atomic():
                Respondent.objects.create(survey=survey, user=user, context=context, responded_on=timezone.localdate(now))
        except IntegrityError:
            raise AlreadyResponded(ALREADY_RESPONDED) from None
        response = Response.objects.create(
            survey=survey, submitted_on=timezone.localdate(now), **_segment(survey=survey, user=user, invitation=invitation)
        )
        Answer.objects.bulk_create(_answer_rows(response, questions, answers))
        if not survey.anonymous:
            NamedResponse.objects.create(response=response, user=user)
    return response


def _answer_rows(response: Response, questions: list[Question], answers: AnswerSet) -> list[Answer]:
    rows = []
    for question in questions:
        value = answers.values.get(question.pk)
        if value in (None, "", []):
            continue
        # `answers_read` gave each kind its own type: a list of choices, a choice, a number, text.
        if question.kind == Question.Kind.MULTIPLE:
            rows += [Answer(response=response, question=question, choice=choice) for choice in cast(list[str], value)]
        elif question.kind == Question.Kind.SINGLE:
            rows.append(Answer(response=response, question=question, choice=cast(str, value)))
        elif question.kind == Question.Kind.SCALE:
            rows.append(Answer(response=response, question=question, scale=cast(int, value)))
        else:
            rows.append(Answer(response=response, question=question, text=cast(str, value)))
    return rows


def _segment(*, survey: Survey, user: User, invitation: FeedbackInvitation | None) -> dict:
    """What a response keeps for breakdowns: role, PCN and area for a consultation; service and topic for feedback."""
    if invitation is not None and invitation.enquiry is not None:
        enquiry = invitation.enquiry
        return {"service": enquiry.service.name, "topic": enquiry.get_topic_display()}
    if invitation is not None and invitation.session is not None:
        return {"service": PROGRAMME_SERVICE, "topic": invitation.session.get_kind_display()}
    membership = (
        selectors.audience_memberships(survey=survey).filter(user=user).select_related("practice__area").order_by("practice__name").first()
        or user.memberships.filter(is_active=True).select_related("practice__area").order_by("practice__name").first()
    )
    if membership is None:
        return {}
    return {
        "role": membership.role,
        "pcn_id": membership.practice.pcn_id,
        "area": selectors.practice_area(membership.practice),
    }


# --- Staff ------------------------------------------------------------------------


def survey_publish(*, survey: Survey, now: datetime | None = None) -> Survey:
    """Publish a survey: members in its audience see it (and are emailed, for a consultation) once it opens."""
    if not survey.questions.exists():
        raise ValidationError("Add at least one question before publishing.")
    if survey.published_at is None:
        survey.published_at = now or timezone.now()
        survey.save(update_fields=["published_at"])
    return survey


def you_said_we_did_publish(*, survey: Survey, now: datetime | None = None) -> Survey:
    """Show the "You said, we did" summary to the consultation's audience on its page."""
    now = now or timezone.now()
    if not survey.you_said_we_did.strip():
        raise ValidationError('Write the "You said, we did" summary first.')
    if survey.closes_at > now:
        raise ValidationError('Publish "You said, we did" once the consultation has closed.')
    if survey.you_said_we_did_published_at is None:
        survey.you_said_we_did_published_at = now
        survey.save(update_fields=["you_said_we_did_published_at"])
    return survey


# --- "It is open" and "3 days left" emails ---------------------------------------------


def _survey_url(survey: Survey) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("voice:detail", args=[survey.pk])


def notice_claim(*, survey: Survey, user: User, kind: str, now: datetime) -> SurveyNotice | None:
    """Record and queue one consultation email to `user`; None if it was already claimed. Commits before returning when called outside a transaction, as the sweeps are."""
    context = {
        "survey": survey,
        "closes_at": timezone.localtime(survey.closes_at),
        "survey_url": _survey_url(survey),
        "person": user,
    }
    try:
        with transaction.atomic():
            email = email_queue(
                to=[user.email],
                template=f"voice/email/consultation_{kind}",
                context=context,
                dedupe_key=f"voice-{kind}:{survey.pk}:{user.pk}",
                deliver_on_commit=False,
            )
            SurveyNotice.objects.create(survey=survey, user=user, kind=kind, created_at=now, email=email)
    except IntegrityError:
        return None
    return SurveyNotice.objects.get(survey=survey, user=user, kind=kind)


def consultation_notices_send_due(*, now: datetime | None = None) -> int:
    """Email everyone in an open consultation's audience that it is open, and non-respondents 3 days before it closes.

    Each person gets each email once, however many sweeps run at once. Run
    outside a transaction. Return how many emails went now.
    """
    now = now or timezone.now()
    claimed: list[SurveyNotice] = []
    for kind, surveys in (
        (SurveyNotice.Kind.OPENED, selectors.surveys_due_opened_notice(now=now)),
        (SurveyNotice.Kind.REMINDER, selectors.surveys_due_reminder(now=now)),
    ):
        for survey in surveys:
            for user in selectors.users_due_notice(survey=survey, kind=kind)[:SWEEP_LIMIT]:
                notice = notice_claim(survey=survey, user=user, kind=kind, now=now)
                if notice is not None:
                    claimed.append(notice)
    sent = emails_deliver(email_ids=[notice.email_id for notice in claimed])
    if claimed:
        logger.info("Consultation emails: %s claimed, %s sent", len(claimed), len(sent))
    return len(sent)


# --- Feedback after an enquiry closes or a session ---------------------------------------


def feedback_survey(*, purpose: str, now: datetime) -> Survey | None:
    """Return the published, open, invitation-only feedback survey for `purpose` (the newest), or None."""
    return (
        Survey.objects.filter(
            purpose=purpose,
            audience=Survey.Audience.INVITED,
            published_at__isnull=False,
            opens_at__lte=now,
            closes_at__gt=now,
        )
        .order_by("-opens_at", "-pk")
        .first()
    )


def invitation_claim(
    *, survey: Survey, user: User, now: datetime, enquiry: Enquiry | None = None, session: Session | None = None
) -> FeedbackInvitation | None:
    """Create and queue one feedback invitation; None if this person was already invited about it."""
    token = secrets.token_urlsafe(32)
    if enquiry is not None:
        about = f"enquiry:{enquiry.pk}"
    elif session is not None:
        about = f"session:{session.pk}"
    else:
        raise ValueError("A feedback invitation is about an enquiry or a session.")
    context = {
        "survey": survey,
        "enquiry": enquiry,
        "session": session,
        "person": user,
        "link": settings.SITE_URL.rstrip("/") + reverse("voice:feedback", args=[token]),
        "expires_on": timezone.localdate(now + timedelta(days=INVITATION_DAYS)),
    }
    try:
        with transaction.atomic():
            email = email_queue(
                to=[user.email],
                template="voice/email/feedback_invitation",
                context=context,
                dedupe_key=f"voice-feedback:{about}:{user.pk}",
                deliver_on_commit=False,
            )
            invitation = FeedbackInvitation.objects.create(
                survey=survey,
                user=user,
                enquiry=enquiry,
                session=session,
                token_hash=token_hash(token),
                created_at=now,
                expires_at=now + timedelta(days=INVITATION_DAYS),
                email=email,
            )
    except IntegrityError:
        return None
    return invitation


def feedback_invitations_send_due(*, now: datetime | None = None) -> int:
    """Invite, once each, the people of every enquiry closed a working day ago and the attendees of past sessions.

    Run outside a transaction. Return how many invitations were sent now.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    claimed: list[FeedbackInvitation] = []
    support = feedback_survey(purpose=Survey.Purpose.SUPPORT_FEEDBACK, now=now)
    if support is not None:
        for enquiry in selectors.enquiries_due_feedback_invitation(today=today):
            invited = FeedbackInvitation.objects.filter(enquiry=enquiry).values("user")
            for user in selectors.enquiry_people(enquiry=enquiry).exclude(pk__in=invited):
                invitation = invitation_claim(survey=support, user=user, enquiry=enquiry, now=now)
                if invitation is not None:
                    claimed.append(invitation)
    sessions = feedback_survey(purpose=Survey.Purpose.SESSION_FEEDBACK, now=now)
    if sessions is not None:
        for session in selectors.sessions_due_feedback_invitation(today=today):
            invited = FeedbackInvitation.objects.filter(session=session).values("user")
            for user in selectors.session_attendees(session=session).exclude(pk__in=invited):
                invitation = invitation_claim(survey=sessions, user=user, session=session, now=now)
                if invitation is not None:
                    claimed.append(invitation)
    sent = emails_deliver(email_ids=[invitation.email_id for invitation in claimed])
    if claimed:
        logger.info("Feedback invitations: %s claimed, %s sent", len(claimed), len(sent))
    return len(sent)
