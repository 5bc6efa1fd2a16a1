"""Read-side queries for member voice. The audience rule ("who may answer this survey") lives here, once.

Reads of other apps go through their models read-only: which people may see
an enquiry (`enquiry_people`) and who attended a session (`session_attendees`)
are each one function, so the lead can point them at `enquiries`' sharing
selector and the programmes' cohort attendance when those land.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from enquiries.models import Enquiry, Status
from enquiries.selectors import enquiry_member_readers
from enquiries.sla import add_working_days
from members.models import Membership, Practice, User
from programmes.models import Booking, Session

from .models import (
    BREAKDOWN_THRESHOLD,
    SCALE_MAX,
    SCALE_MIN,
    Answer,
    FeedbackInvitation,
    Question,
    Respondent,
    Response,
    Survey,
    SurveyNotice,
)

__all__ = [
    "FEWER_THAN_THRESHOLD",
    "REMINDER_BEFORE_CLOSING",
    "Breakdown",
    "QuestionResult",
    "SurveyResults",
    "audience_memberships",
    "audience_users",
    "enquiries_due_feedback_invitation",
    "enquiry_people",
    "invitation_get_for_member",
    "practice_area",
    "satisfaction_overview",
    "session_attendees",
    "sessions_due_feedback_invitation",
    "survey_get_for_member",
    "survey_has_responded",
    "survey_list_for_member",
    "survey_results",
    "surveys_due_opened_notice",
    "surveys_due_reminder",
    "users_due_notice",
]

REMINDER_BEFORE_CLOSING = timedelta(days=3)
FEWER_THAN_THRESHOLD = f"fewer than {BREAKDOWN_THRESHOLD} responses"
# Feedback is asked for enquiries closed and sessions held within this many days:
# switching the sweep on never emails people about last year's enquiry.
FEEDBACK_LOOKBACK_DAYS = 30


# --- Who is in the audience ------------------------------------------------------


def practice_area(practice: Practice) -> str:
    """Return the name of the practice's NHS area (`members.Area`: its Sub-ICB location or ICB), or "" if it has none."""
    return practice.area.name if practice.area is not None else ""


def enquiry_people(*, enquiry: Enquiry) -> QuerySet[User]:
    """Return the people who may see `enquiry`, by enquiries' own sharing rule (the sender, and whoever they shared it with).

    The one place voice asks "who may see this enquiry".
    """
    return User.objects.filter(pk__in=[person.pk for person in enquiry_member_readers(enquiry=enquiry)])


def session_attendees(*, session: Session) -> QuerySet[User]:
    """Return the people recorded as attending `session`."""
    attended = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED, attended=True)
    return User.objects.filter(pk__in=attended.values("user"), is_active=True)


def audience_memberships(*, survey: Survey) -> QuerySet[Membership]:
    """Return the active memberships that put people in a role, PCN or NHS area survey's audience (all members for ALL)."""
    memberships = Membership.objects.filter(is_active=True, user__is_active=True)
    if survey.audience == Survey.Audience.ALL:
        return memberships
    if survey.audience == Survey.Audience.ROLE:
        return memberships.filter(role=survey.audience_role)
    if survey.audience == Survey.Audience.PCN:
        return memberships.filter(practice__pcn=survey.audience_pcn_id)
    if survey.audience == Survey.Audience.AREA:
        if survey.audience_area_id is None:
            return memberships.none()
        # An ICB's audience includes the practices of its Sub-ICB locations.
        return memberships.filter(Q(practice__area=survey.audience_area_id) | Q(practice__area__icb=survey.audience_area_id))
    return memberships.none()


def audience_users(*, survey: Survey) -> QuerySet[User]:
    """Return every person in the survey's audience (nobody for an invitation-only survey)."""
    # The database constraints give an enquiry or session survey its enquiry or session.
    if survey.audience == Survey.Audience.ENQUIRY and survey.audience_enquiry is not None:
        return enquiry_people(enquiry=survey.audience_enquiry)
    if survey.audience == Survey.Audience.SESSION and survey.audience_session is not None:
        return session_attendees(session=survey.audience_session)
    if survey.audience == Survey.Audience.INVITED:
        return User.objects.none()
    return User.objects.filter(pk__in=audience_memberships(survey=survey).values("user"))


def _published(now: datetime) -> QuerySet[Survey]:
    return Survey.objects.filter(published_at__isnull=False, opens_at__lte=now).exclude(
        audience=Survey.Audience.INVITED
    )


def survey_list_for_member(*, user: User, now: datetime | None = None, open_only: bool = False) -> list[Survey]:
    """Return the published surveys whose audience includes `user`: open ones first (closing soonest), then closed.

    All members, role and PCN audiences are matched in the database from the
    person's memberships; the few area, enquiry and session surveys are checked
    one by one with `audience_users`, the rule's home.
    """
    now = now or timezone.now()
    if not user.is_authenticated or not user.is_active:
        return []
    memberships = list(Membership.objects.filter(user=user, is_active=True).values_list("role", "practice__pcn"))
    candidates = _published(now)
    if open_only:
        candidates = candidates.filter(closes_at__gt=now)
    matched = Q(audience__in=[Survey.Audience.AREA, Survey.Audience.ENQUIRY, Survey.Audience.SESSION])
    if memberships:
        roles = {role for role, _ in memberships}
        pcns = {pcn for _, pcn in memberships if pcn is not None}
        matched |= Q(audience=Survey.Audience.ALL) | Q(audience=Survey.Audience.ROLE, audience_role__in=roles)
        matched |= Q(audience=Survey.Audience.PCN, audience_pcn__in=pcns)
    one_by_one = {Survey.Audience.AREA, Survey.Audience.ENQUIRY, Survey.Audience.SESSION}
    surveys = [
        survey
        for survey in candidates.filter(matched)
        if survey.audience not in one_by_one or _in_audience(survey, user)
    ]
    open_ = sorted((s for s in surveys if s.closes_at > now), key=lambda s: s.closes_at)
    closed = sorted((s for s in surveys if s.closes_at <= now), key=lambda s: s.closes_at, reverse=True)
    return open_ + closed


def survey_get_for_member(*, user: User, pk: int, now: datetime | None = None) -> Survey | None:
    """Return survey `pk` if it is published and `user` is in its audience, else None (a 404 for the view)."""
    now = now or timezone.now()
    survey = _published(now).filter(pk=pk).first()
    if survey is None or not user.is_authenticated or not _in_audience(survey, user):
        return None
    return survey


def _in_audience(survey: Survey, user: User) -> bool:
    return audience_users(survey=survey).filter(pk=user.pk).exists()


def survey_has_responded(*, survey: Survey, user: User, context: str = "") -> bool:
    return Respondent.objects.filter(survey=survey, user=user, context=context).exists()


def invitation_get_for_member(*, user: User, token_hash: str) -> FeedbackInvitation | None:
    """Return the invitation with this token if it was sent to `user` (used or expired ones too), else None."""
    return (
        FeedbackInvitation.objects.filter(user=user, token_hash=token_hash)
        .select_related("survey", "enquiry", "session", "session__area")
        .first()
    )


# --- What the sweeps look for ----------------------------------------------------


def surveys_due_opened_notice(*, now: datetime) -> QuerySet[Survey]:
    """Published, open consultations: their audience is told they are open."""
    return _published(now).filter(purpose=Survey.Purpose.CONSULTATION, closes_at__gt=now)


def surveys_due_reminder(*, now: datetime) -> QuerySet[Survey]:
    """Published consultations closing within 3 days and not yet closed."""
    return _published(now).filter(
        purpose=Survey.Purpose.CONSULTATION, closes_at__gt=now, closes_at__lte=now + REMINDER_BEFORE_CLOSING
    )


def users_due_notice(*, survey: Survey, kind: str) -> QuerySet[User]:
    """People in the audience who have not had this notice; for a reminder, also not yet responded."""
    users = audience_users(survey=survey).exclude(
        pk__in=SurveyNotice.objects.filter(survey=survey, kind=kind).values("user")
    )
    if kind == SurveyNotice.Kind.REMINDER:
        users = users.exclude(pk__in=Respondent.objects.filter(survey=survey).values("user"))
    return users.exclude(email="").order_by("pk")


def enquiries_due_feedback_invitation(*, today: date) -> list[Enquiry]:
    """Closed enquiries whose first working day after closing has come, with someone not yet invited."""
    earliest = timezone.now() - timedelta(days=FEEDBACK_LOOKBACK_DAYS + 10)
    candidates = Enquiry.objects.filter(status=Status.CLOSED, closed_at__gte=earliest, anonymised_at__isnull=True)
    due = []
    for enquiry in candidates.order_by("closed_at"):
        closed_on = timezone.localdate(enquiry.closed_at)
        if add_working_days(closed_on, 1) <= today and (today - closed_on).days <= FEEDBACK_LOOKBACK_DAYS:
            due.append(enquiry)
    return due


def sessions_due_feedback_invitation(*, today: date) -> list[Session]:
    """Sessions held in the last 30 days whose first working day after has come."""
    earliest = timezone.now() - timedelta(days=FEEDBACK_LOOKBACK_DAYS + 10)
    due = []
    candidates = Session.objects.filter(ends_at__gte=earliest, ends_at__lte=timezone.now()).select_related("area")
    for session in candidates.order_by("ends_at"):
        held_on = timezone.localdate(session.ends_at)
        if add_working_days(held_on, 1) <= today and (today - held_on).days <= FEEDBACK_LOOKBACK_DAYS:
            due.append(session)
    return due


# --- Results ---------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    counts: list[tuple[str, int]] = field(default_factory=list)  # choices and scale points, in order
    texts: list[str] = field(default_factory=list)

    @property
    def is_chart(self) -> bool:
        return self.question.kind != Question.Kind.TEXT

    def chart(self) -> dict:
        return {"labels": [label for label, _ in self.counts], "counts": [count for _, count in self.counts]}


@dataclass
class Breakdown:
    """Responses per group (role, PCN or area); a group under the threshold shows no figures."""

    dimension: str
    rows: list[dict]


@dataclass
class SurveyResults:
    survey: Survey
    total: int
    questions: list[QuestionResult]
    breakdowns: list[Breakdown]


def _scale_label(question: Question, point: int) -> str:
    if point == SCALE_MIN and question.scale_low_label:
        return f"{point} ({question.scale_low_label})"
    if point == SCALE_MAX and question.scale_high_label:
        return f"{point} ({question.scale_high_label})"
    return str(point)


def survey_results(*, survey: Survey) -> SurveyResults:
    """Return a survey's results: counts per choice, each scale's distribution, free text (no names), breakdowns."""
    questions = list(survey.questions.all())
    responses = list(Response.objects.filter(survey=survey).select_related("pcn"))
    answers = Answer.objects.filter(response__survey=survey).values_list("question_id", "response_id", "choice", "scale", "text")
    by_question: dict[int, list[tuple]] = defaultdict(list)
    for question_id, response_id, choice, scale, text in answers:
        by_question[question_id].append((response_id, choice, scale, text))

    results = []
    for question in questions:
        rows = by_question.get(question.pk, [])
        result = QuestionResult(question=question, answered=len({row[0] for row in rows}))
        if question.kind in Question.CHOICE_KINDS:
            tally = Counter(choice for _, choice, _, _ in rows)
            result.counts = [(choice, tally.get(choice, 0)) for choice in question.choice_list()]
            result.counts += [(choice, n) for choice, n in tally.items() if choice not in question.choice_list()]
        elif question.kind == Question.Kind.SCALE:
            tally = Counter(scale for _, _, scale, _ in rows)
            result.counts = [(_scale_label(question, p), tally.get(p, 0)) for p in range(SCALE_MIN, SCALE_MAX + 1)]
        else:
            result.texts = sorted(text for _, _, _, text in rows if text)
        results.append(result)

    breakdowns = []
    scale_questions = [q for q in questions if q.kind == Question.Kind.SCALE]
    scale_by_response: dict = defaultdict(dict)
    for question in scale_questions:
        for response_id, _, scale, _ in by_question.get(question.pk, []):
            scale_by_response[response_id][question.pk] = scale
    for dimension, key in (("Role", _role_label), ("PCN", _pcn_label), ("Area", _area_label)):
        groups: dict[str, list] = defaultdict(list)
        for response in responses:
            label = key(response)
            if label:
                groups[label].append(response)
        if not groups:
            continue
        group_rows: list[dict] = []
        for label in sorted(groups):
            members = groups[label]
            row: dict = {"label": label, "hidden": len(members) < BREAKDOWN_THRESHOLD}
            if not row["hidden"]:
                row["count"] = len(members)
                row["averages"] = [_average([scale_by_response[r.pk].get(q.pk) for r in members]) for q in scale_questions]
            group_rows.append(row)
        breakdowns.append(Breakdown(dimension=dimension, rows=group_rows))
    return SurveyResults(survey=survey, total=len(responses), questions=results, breakdowns=breakdowns)


def _average(values: list) -> str:
    present = [v for v in values if v is not None]
    return f"{sum(present) / len(present):.1f}" if present else "–"


def _role_label(response: Response) -> str:
    return response.get_role_display() if response.role else ""


def _pcn_label(response: Response) -> str:
    return response.pcn.name if response.pcn else ""


def _area_label(response: Response) -> str:
    return response.area


def satisfaction_overview(*, today: date | None = None, months: int = 12) -> dict:
    """Return satisfaction after support (the 1-5 scale of feedback surveys): per month, service and topic.

    Anonymous: only counts and averages, and a group with fewer than 5
    responses shows neither (None, "fewer than 5 responses" on the page).
    """
    today = today or timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    scales = Answer.objects.filter(
        response__survey__purpose=Survey.Purpose.SUPPORT_FEEDBACK,
        question__kind=Question.Kind.SCALE,
        question__position=_first_scale_position_subquery(),
        response__submitted_on__gte=start,
        scale__isnull=False,
    ).values_list("response__submitted_on", "response__service", "response__topic", "scale")
    per_month: dict[str, list[int]] = defaultdict(list)
    per_service: dict[str, list[int]] = defaultdict(list)
    per_topic: dict[str, list[int]] = defaultdict(list)
    for day, service, topic, scale in scales:
        if scale is None:  # filtered out above; says so to the type checker
            continue
        per_month[f"{day:%Y-%m}"].append(scale)
        per_service[service or "Not recorded"].append(scale)
        per_topic[topic or "Not recorded"].append(scale)

    month_keys = []
    cursor = start
    while cursor <= today:
        month_keys.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)

    def row(label: str, values: list[int]) -> dict:
        shown = len(values) >= BREAKDOWN_THRESHOLD
        return {
            "label": label,
            "count": len(values) if shown else None,
            "average": round(sum(values) / len(values), 1) if shown else None,
            "satisfied": round(100 * sum(1 for v in values if v >= 4) / len(values)) if shown else None,
            "hidden": bool(values) and not shown,
        }

    return {
        "per_month": [row(f"{m:%b %Y}", per_month.get(f"{m:%Y-%m}", [])) for m in month_keys],
        "per_service": [row(label, values) for label, values in sorted(per_service.items())],
        "per_topic": [row(label, values) for label, values in sorted(per_topic.items())],
        "threshold": BREAKDOWN_THRESHOLD,
    }


def _first_scale_position_subquery():
    """The satisfaction question is the first 1-5 scale of each feedback survey."""
    from django.db.models import Min, OuterRef, Subquery

    return Subquery(
        Question.objects.filter(survey=OuterRef("response__survey"), kind=Question.Kind.SCALE)
        .values("survey")
        .annotate(first=Min("position"))
        .values("first")[:1]
    )
