"""Demo member voice: an open consultation for practice managers, an open one for the practices of one
NHS area (the Greater Preston Sub-ICB location), a closed one with results and a published
"You said, we did", and feedback for a closed enquiry and a past session.

Idempotent: surveys are found by title; answers are only added to a survey that has none.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from enquiries.models import Enquiry, Status
from members.models import Area, Membership, User
from programmes.models import Booking

from . import services
from .models import Answer, FeedbackInvitation, Question, Response, Survey

OPEN_TITLE = "The NHS 10-year plan: what should we tell the ICB?"
CLOSED_TITLE = "Winter pressures: what would help your practice most?"
AREA_TITLE = "Greater Preston: should the same-day access hub move to Avenham?"
# A Sub-ICB location of the member demo (members.demo.SUB_ICB_AREAS).
AREA_NAME = "Greater Preston"

PLAN_QUESTIONS = [
    ("single", "Which change in the plan worries your practice most?", True,
     "Moving care from hospital to community without the funding\nNeighbourhood health teams\nDigital first access\nNone of these"),
    ("multiple", "What should the LMC press the ICB for? Choose all that apply.", True,
     "Funding that follows the work\nMore premises capacity\nStable workforce funding\nLess reporting"),
    ("scale", "How confident are you that your practice can take on more work next year?", True, ""),
    ("text", "Anything else the LMC should say on your behalf?", False, ""),
]
WINTER_QUESTIONS = [
    ("single", "What would help your practice most this winter?", True,
     "Extra same-day appointments funded\nBetter access to community services\nFewer requests from hospitals"),
    ("scale", "How well did the ICB support practices last winter?", True, ""),
    ("text", "What one thing should change?", False, ""),
]
HUB_QUESTIONS = [
    ("single", "Would the move suit your patients?", True, "Yes\nNo\nNot sure"),
    ("scale", "How well does the same-day access hub work for your practice today?", True, ""),
    ("text", "What should the ICB know before it decides?", False, ""),
]
WINTER_ANSWERS = [
    ("Extra same-day appointments funded", "2", "Fund the extra clinics early, not in January."),
    ("Fewer requests from hospitals", "1", "Hospitals send us their blood tests to chase."),
    ("Extra same-day appointments funded", "2", ""),
    ("Better access to community services", "3", "District nursing capacity."),
    ("Extra same-day appointments funded", "2", "=Reception needs help too"),
    ("Fewer requests from hospitals", "1", ""),
    ("Extra same-day appointments funded", "3", "Earlier decisions, please."),
    ("Better access to community services", "2", ""),
    ("Extra same-day appointments funded", "1", "Locum rates went up again."),
    ("Fewer requests from hospitals", "2", ""),
    ("Extra same-day appointments funded", "3", ""),
    ("Better access to community services", "2", "Pharmacy first helped a little."),
]
YOU_SAID = (
    "You said: funded same-day capacity matters most, and hospital work lands on practices.\n\n"
    "We did: we took your figures to the ICB's primary care committee. The ICB has agreed to fund extra "
    "same-day clinics from November, and to remind hospital teams that they chase their own test results."
)


def _survey(title: str, questions, **fields) -> Survey:
    survey = Survey.objects.filter(title=title).first()
    if survey is None:
        survey = Survey.objects.create(title=title, **fields)
        for position, (kind, text, required, choices) in enumerate(questions, start=1):
            Question.objects.create(
                survey=survey, position=position, kind=kind, text=text, required=required, choices=choices,
                max_length=2000,
                scale_low_label="Not at all" if kind == "scale" else "",
                scale_high_label="Very" if kind == "scale" else "",
            )
    return survey


def seed() -> None:
    now = timezone.now()
    _survey(
        OPEN_TITLE,
        PLAN_QUESTIONS,
        purpose=Survey.Purpose.CONSULTATION,
        introduction="The government's 10-year health plan will shape what the ICB asks of practices. Before we "
        "meet the ICB, tell us what matters to your practice. It takes about five minutes.",
        audience=Survey.Audience.ROLE,
        audience_role=Membership.Role.PRACTICE_MANAGER,
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=12),
        published_at=now - timedelta(days=2),
    )

    _survey(
        AREA_TITLE,
        HUB_QUESTIONS,
        purpose=Survey.Purpose.CONSULTATION,
        introduction="The ICB proposes moving Greater Preston's same-day access hub to Avenham Health Centre. "
        "We are asking the practices of Greater Preston only, because only their patients use the hub.",
        audience=Survey.Audience.AREA,
        audience_area=Area.objects.get(name=AREA_NAME),
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=20),
        published_at=now - timedelta(days=1),
    )

    winter = _survey(
        CLOSED_TITLE,
        WINTER_QUESTIONS,
        purpose=Survey.Purpose.CONSULTATION,
        introduction="We meet the ICB about winter funding next month. Tell us what would help.",
        audience=Survey.Audience.ALL,
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=20),
        published_at=now - timedelta(days=60),
        you_said_we_did=YOU_SAID,
    )
    if not winter.responses.exists():
        members = list(User.objects.filter(memberships__is_active=True, email__endswith=".example.org").distinct().order_by("email"))
        questions = list(winter.questions.all())
        for person, (choice, scale, text) in zip(members, WINTER_ANSWERS, strict=False):
            services.response_submit(
                survey=winter,
                user=person,
                data={questions[0].field_name: [choice], questions[1].field_name: [scale], questions[2].field_name: [text]},
                now=now - timedelta(days=40),
            )
        services.you_said_we_did_publish(survey=winter, now=now - timedelta(days=10))

    _seed_feedback(now)


def _seed_feedback(now) -> None:
    support = services.feedback_survey(purpose=Survey.Purpose.SUPPORT_FEEDBACK, now=now)
    sessions = services.feedback_survey(purpose=Survey.Purpose.SESSION_FEEDBACK, now=now)
    if support is None or sessions is None:
        return
    closed = Enquiry.objects.filter(status=Status.CLOSED, submitted_by__isnull=False).order_by("closed_at").first()
    if closed is not None and not FeedbackInvitation.objects.filter(enquiry=closed).exists():
        invitation = services.invitation_claim(survey=support, user=closed.submitted_by, enquiry=closed, now=closed.closed_at + timedelta(days=1))
        if invitation is not None:
            q = list(support.questions.all())
            services.response_submit(
                survey=support, user=closed.submitted_by, invitation=invitation,
                data={q[0].field_name: ["4"], q[1].field_name: ["Yes"], q[2].field_name: ["Quick, calm and practical."]},
                now=closed.closed_at + timedelta(days=2),
            )
    attended = Booking.objects.filter(attended=True, session__ends_at__lt=now).select_related("session", "user").first()
    if attended is not None and not FeedbackInvitation.objects.filter(session=attended.session).exists():
        invitation = services.invitation_claim(
            survey=sessions, user=attended.user, session=attended.session, now=attended.session.ends_at + timedelta(days=1)
        )
        if invitation is not None:
            q = list(sessions.questions.all())
            services.response_submit(
                survey=sessions, user=attended.user, invitation=invitation,
                data={q[0].field_name: ["5"], q[1].field_name: ["Yes"], q[2].field_name: ["Useful and well run."]},
                now=attended.session.ends_at + timedelta(days=2),
            )
    _seed_past_satisfaction(support, now)


def _seed_past_satisfaction(support: Survey, now) -> None:
    """Earlier anonymous feedback, so the support overview's chart has months above the threshold of 5."""
    if support.responses.count() > 1:
        return
    questions = list(support.questions.all())
    scores = [5, 4, 4, 3, 5, 4, 2, 5, 4, 4, 5, 3]
    with transaction.atomic():
        for months_ago, topic in ((1, "Workforce"), (2, "Partnership performance and dispute")):
            day = (now - timedelta(days=30 * months_ago)).date()
            for score in scores[: 5 + months_ago]:
                response = Response.objects.create(
                    survey=support, submitted_on=day, service=services.SUPPORT_SERVICE, topic=topic
                )
                Answer.objects.create(response=response, question=questions[0], scale=score)
                Answer.objects.create(response=response, question=questions[1], choice="Yes" if score >= 3 else "Not sure")
