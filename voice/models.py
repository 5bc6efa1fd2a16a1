"""Member voice: one survey engine for consultations, feedback after support and after sessions.

Anonymous by construction. A `Response` and its `Answer`s have no column that
leads to a person: no user, no membership, no practice, no enquiry, no session
and no time of day (only the date). Who has responded is kept apart, in
`Respondent`, which has no response id. `Response` and `Respondent` have random
(UUID) keys, so the order rows were written in cannot pair one with the other.
A named survey (say, an expression of interest) records the person in
`NamedResponse`, a separate table, and only for that survey.

tests/voice/test_anonymity.py reads the database schema itself, so a new link
from a response to a person fails it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from members.models import PCN, Area, Membership

Role = Membership.Role

SCALE_MIN, SCALE_MAX = 1, 5
TEXT_LIMIT_MAX = 5000
# Any group smaller than this is hidden in every breakdown.
BREAKDOWN_THRESHOLD = 5


class Survey(models.Model):
    class Purpose(models.TextChoices):
        CONSULTATION = "consultation", "Consultation"
        SUPPORT_FEEDBACK = "support_feedback", "Feedback after an enquiry closes"
        SESSION_FEEDBACK = "session_feedback", "Feedback after a programme session"
        SURVEY = "survey", "Other survey (for example, an expression of interest)"

    class Audience(models.TextChoices):
        ALL = "all", "All members"
        ROLE = "role", "Members with one role"
        PCN = "pcn", "Members in one PCN"
        AREA = "area", "Members in one NHS area (an ICB, or one of its Sub-ICB locations)"
        ENQUIRY = "enquiry", "The people of one enquiry"
        SESSION = "session", "The attendees of one session"
        INVITED = "invited", "Only people invited by email (feedback after an enquiry or a session)"

    title = models.CharField(max_length=200)
    purpose = models.CharField(max_length=20, choices=Purpose, default=Purpose.CONSULTATION)
    introduction = models.TextField(
        "background", blank=True, help_text="What the consultation is about and why we ask. Shown above the questions."
    )
    anonymous = models.BooleanField(
        default=True,
        help_text="Anonymous: answers keep no link to the person, only the date. Untick only for a named survey "
        "(for example, an expression of interest); members are told at the top that their name is kept.",
    )
    audience = models.CharField(max_length=10, choices=Audience, default=Audience.ALL)
    audience_role = models.CharField("role", max_length=20, choices=Role, blank=True)
    audience_pcn = models.ForeignKey(PCN, on_delete=models.PROTECT, null=True, blank=True, verbose_name="PCN")
    audience_area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="NHS area (ICB or Sub-ICB)",
        help_text="The practices in this area are asked. An ICB includes the practices of all its Sub-ICB locations.",
    )
    audience_enquiry = models.ForeignKey(
        "enquiries.Enquiry", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="enquiry"
    )
    audience_session = models.ForeignKey(
        "programmes.Session", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="session"
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Blank while staff prepare it: members see it once published and open."
    )
    you_said_we_did = models.TextField(
        '"You said, we did"', blank=True, help_text="What members told us and what we did about it."
    )
    you_said_we_did_published_at = models.DateTimeField("\"You said, we did\" published at", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        permissions = [("view_results", "Can see survey results and export the answers")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="voice_survey_closes_after_opening",
                violation_error_message="The closing time must be after the opening time.",
            ),
            models.CheckConstraint(
                condition=(Q(audience="role") & ~Q(audience_role="")) | (~Q(audience="role") & Q(audience_role="")),
                name="voice_survey_role_iff_role_audience",
                violation_error_message="Choose a role for a role audience, and only for one.",
            ),
            models.CheckConstraint(
                condition=(Q(audience="pcn") & Q(audience_pcn__isnull=False))
                | (~Q(audience="pcn") & Q(audience_pcn__isnull=True)),
                name="voice_survey_pcn_iff_pcn_audience",
                violation_error_message="Choose a PCN for a PCN audience, and only for one.",
            ),
            models.CheckConstraint(
                condition=(Q(audience="area") & Q(audience_area__isnull=False))
                | (~Q(audience="area") & Q(audience_area__isnull=True)),
                name="voice_survey_area_iff_area_audience",
                violation_error_message="Choose the NHS area (ICB or Sub-ICB) for an area audience. "
                "Leave the NHS area empty for any other audience.",
            ),
            models.CheckConstraint(
                condition=(Q(audience="enquiry") & Q(audience_enquiry__isnull=False))
                | (~Q(audience="enquiry") & Q(audience_enquiry__isnull=True)),
                name="voice_survey_enquiry_iff_enquiry_audience",
                violation_error_message="Choose the enquiry for an enquiry audience, and only for one.",
            ),
            models.CheckConstraint(
                condition=(Q(audience="session") & Q(audience_session__isnull=False))
                | (~Q(audience="session") & Q(audience_session__isnull=True)),
                name="voice_survey_session_iff_session_audience",
                violation_error_message="Choose the session for a session audience, and only for one.",
            ),
            models.CheckConstraint(
                condition=Q(you_said_we_did_published_at__isnull=True) | ~Q(you_said_we_did=""),
                name="voice_survey_published_summary_has_text",
                violation_error_message='Write the "You said, we did" summary before publishing it.',
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_feedback(self) -> bool:
        return self.purpose in (self.Purpose.SUPPORT_FEEDBACK, self.Purpose.SESSION_FEEDBACK)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "One choice"
        MULTIPLE = "multiple", "Several choices"
        SCALE = "scale", "Scale from 1 to 5"
        TEXT = "text", "Free text"

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField("order", default=0, help_text="Questions are shown in this order, lowest first.")
    text = models.CharField("question", max_length=300)
    hint = models.CharField(max_length=300, blank=True, help_text="Optional: a line under the question.")
    kind = models.CharField("type of answer", max_length=10, choices=Kind, default=Kind.SINGLE)
    required = models.BooleanField("must be answered", default=True)
    choices = models.TextField(blank=True, help_text="For a choice question: the options, one per line, in order.")
    scale_low_label = models.CharField("label for 1", max_length=60, blank=True, default="Very dissatisfied")
    scale_high_label = models.CharField("label for 5", max_length=60, blank=True, default="Very satisfied")
    max_length = models.PositiveIntegerField(
        "longest answer (characters)", default=1000, help_text="For free text: the most a member may type."
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["single", "multiple"]) | ~Q(choices=""),
                name="voice_question_choices_offered",
                violation_error_message="Enter the options for a choice question, one per line.",
            ),
            models.CheckConstraint(
                condition=Q(max_length__gte=1, max_length__lte=TEXT_LIMIT_MAX),
                name="voice_question_text_limit",
                violation_error_message="The longest answer must be between 1 and 5,000 characters.",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class Response(models.Model):
    """One person's answers. Deliberately nothing here leads back to the person (see the module docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    submitted_on = models.DateField()
    # Consultations: for breakdowns, each shown only for groups of 5 or more.
    role = models.CharField(max_length=20, choices=Role, blank=True)
    pcn = models.ForeignKey(PCN, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The name of the practice's NHS area (members.Area) when answered: a label, not a link, like role.
    area = models.CharField(max_length=200, blank=True)
    # Feedback: what the feedback is about, never which enquiry or session.
    service = models.CharField(max_length=100, blank=True)
    topic = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["submitted_on"]
        indexes = [models.Index(fields=["survey", "submitted_on"], name="voice_response_survey_day_idx")]

    def __str__(self) -> str:
        return f"Response to {self.survey} on {self.submitted_on:%d %B %Y}"


class Answer(models.Model):
    """One answer; a several-choices question has one row per option chosen."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.CharField(max_length=300, blank=True)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["question__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=SCALE_MIN, scale__lte=SCALE_MAX),
                name="voice_answer_scale_1_to_5",
                violation_error_message="Choose a number from 1 to 5.",
            ),
        ]

    def __str__(self) -> str:
        return "already given"  # how the admin names it when refusing to delete an answered question


class Respondent(models.Model):
    """Who has responded: so each person answers once and reminders skip them. No response id, only the date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Feedback: which enquiry or session it was about ("enquiry:12"); empty for a consultation.
    context = models.CharField(max_length=40, blank=True)
    responded_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user", "context"],
                name="voice_respondent_once_per_person",
                violation_error_message="This person has already answered this survey.",
            )
        ]

    def __str__(self) -> str:
        return f"Responded on {self.responded_on:%d %B %Y}"


class NamedResponse(models.Model):
    """Only for a survey that says at the top it is named: who gave this response."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, primary_key=True, related_name="named")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return "Named response"


class SurveyNotice(models.Model):
    """An email about a consultation to one person: "it is open" or "3 days left". Unique, so sent once."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Consultation open"
        REMINDER = "reminder", "Reminder before closing"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind)
    created_at = models.DateTimeField()
    email = models.ForeignKey("mail.OutboundEmail", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user", "kind"],
                name="voice_notice_once_per_person_and_kind",
                violation_error_message="This person has already been sent this notice about the survey.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.survey}"


class FeedbackInvitation(models.Model):
    """An emailed invitation to give feedback about one closed enquiry or one attended session.

    The link holds a random token; only its SHA-256 is kept. It works once, for
    `INVITATION_DAYS`, and only for the person it was sent to.
    """

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    enquiry = models.ForeignKey("enquiries.Enquiry", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    session = models.ForeignKey("programmes.Session", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    email = models.ForeignKey("mail.OutboundEmail", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(enquiry__isnull=False, session__isnull=True)
                | Q(enquiry__isnull=True, session__isnull=False),
                name="voice_invitation_about_enquiry_or_session",
                violation_error_message="A feedback invitation is about one enquiry or one session, not both and not neither.",
            ),
            models.UniqueConstraint(
                fields=["user", "enquiry"],
                condition=Q(enquiry__isnull=False),
                name="voice_invitation_once_per_enquiry",
                violation_error_message="This person has already been invited to give feedback on this enquiry.",
            ),
            models.UniqueConstraint(
                fields=["user", "session"],
                condition=Q(session__isnull=False),
                name="voice_invitation_once_per_session",
                violation_error_message="This person has already been invited to give feedback on this session.",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback invitation {self.pk}"

    @property
    def context(self) -> str:
        return f"enquiry:{self.enquiry_id}" if self.enquiry_id else f"session:{self.session_id}"
