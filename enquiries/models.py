from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from members.models import PCN, Practice

from . import sla


class Topic(models.TextChoices):
    BUSINESS_VIABILITY = "business_viability", "Business viability and sustainability"
    PARTNERSHIP = "partnership", "Partnership performance and dispute"
    SUCCESSION = "succession", "Succession planning"
    WORKFORCE = "workforce", "Workforce"
    PREMISES = "premises", "Premises"
    STAKEHOLDERS = "stakeholders", "Stakeholder relationships"
    REGULATORY = "regulatory", "Regulatory and compliance"
    CONTRACT = "contract", "Contract dispute or hand back"
    PCN = "pcn", "PCN issues"
    MERGER = "merger", "Merger or acquisition"
    RESILIENCE = "resilience", "Local Health Resilience Event"
    OTHER = "other", "Other"


class PastoralTopic(models.TextChoices):
    """The topics of Pastoral and professional support (issue 15)."""

    WELLBEING = "wellbeing", "Health and wellbeing"
    GMC = "gmc", "GMC enquiry or investigation"
    PERFORMERS_LIST = "performers_list", "NHS England performers-list concern"
    RETURN_TO_WORK = "return_to_work", "Returning to work"
    REMEDIATION = "remediation", "Remediation"
    COMPLAINT = "complaint", "Complaint or significant event"
    MEDIA = "media", "Press or media enquiry"
    INDIVIDUAL_CONTRACT = "individual_contract", "Contractual matter for an individual"
    OTHER = "other", "Other"


# Every topic any service may offer (a service lists the ones it offers).
TOPIC_LABELS: dict[str, str] = {**dict(Topic.choices), **dict(PastoralTopic.choices)}
ALL_TOPIC_CHOICES = list(TOPIC_LABELS.items())


class Audience(models.TextChoices):
    PRACTICE = "practice", "A practice (or its PCN)"
    PERSON = "person", "A person"


class About(models.TextChoices):
    """Whom a request for a person is about."""

    SELF = "self", "Me"
    COLLEAGUE = "colleague", "A colleague I am worried about"


class Scope(models.TextChoices):
    PRACTICE = "practice", "Our practice"
    PCN = "pcn", "Our PCN"


class Sharing(models.TextChoices):
    """Who at the practice may see an enquiry, chosen by the sender (the rule: selectors/member.py)."""

    ONLY_ME = "only_me", "Only me"
    NAMED = "named", "Me and colleagues I name"
    PRACTICE = "practice", "Everyone at the practice"


class Status(models.TextChoices):
    ON_HOLD = "on_hold", "On hold (PCN support paused)"
    SUBMITTED = "submitted", "Received"
    TRIAGED = "triaged", "Assigned to an officer"
    FIRST_CONTACT = "first_contact", "First conversation arranged"
    PLAN_AGREED = "plan_agreed", "Plan agreed"
    FACILITATION = "facilitation", "Facilitation"
    MEDIATION = "mediation", "Mediation"
    CLOSED = "closed", "Closed"


# Statuses that can only be reached once the LMC has made first contact.
AFTER_FIRST_CONTACT = [Status.FIRST_CONTACT, Status.PLAN_AGREED, Status.FACILITATION, Status.MEDIATION]
OPEN_STATUSES = [s for s in Status if s != Status.CLOSED]
# The statuses in which first contact is still owed. On-hold enquiries have no
# due moment; every later status needs first contact to have happened.
AWAITING_FIRST_CONTACT = [Status.SUBMITTED, Status.TRIAGED]

# Length limits of what a member types, read by the model, the service and the form.
SUMMARY_MAX_LENGTH = 200
DETAILS_MAX_LENGTH = 10_000
URGENT_REASON_MAX_LENGTH = 2_000
CONTACT_TIMES_MAX_LENGTH = 200
PHONE_MAX_LENGTH = 30
MESSAGE_MAX_LENGTH = 10_000

# The triage order's first key: awaiting first contact, in progress, on hold,
# closed. Within "awaiting", ordering by due time puts the breached (due in the
# past) first, so the order needs no clock and an index can serve it.
TRIAGE_RANK = models.Case(
    models.When(status__in=AWAITING_FIRST_CONTACT, then=models.Value(0)),
    models.When(status__in=AFTER_FIRST_CONTACT, then=models.Value(1)),
    models.When(status=Status.ON_HOLD, then=models.Value(2)),
    default=models.Value(3),
    output_field=models.IntegerField(),
)


class SupportService(models.Model):
    """One support service on the enquiry engine: its topics, promises and who works it.

    Managed in the admin by the triage lead. Leadership and Management Support
    and Pastoral and professional support are created by migration.
    """

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        "web address name",
        max_length=40,
        unique=True,
        help_text="The end of the form's web address, /enquiries/new/<name>/: small letters, digits and hyphens. "
        "Changing it breaks links already sent.",
    )
    reference_prefix = models.CharField(
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,4}$", "Use 2 to 4 capital letters, for example PPS.")],
        help_text="Starts each reference, for example PPS in PPS-2026-00007.",
    )
    description = models.TextField(help_text="What the service offers, in words for members (shown on /support/).")
    who_reads = models.TextField(
        "who reads enquiries",
        blank=True,
        help_text="Who at the LMC will read an enquiry, shown on the form before the member writes.",
    )
    crisis_contacts = models.TextField(
        blank=True,
        help_text="Shown on the form before the member writes: one contact a line, for example "
        "'Samaritans: 116 123, free, day or night'.",
    )
    topics = models.JSONField(default=list, help_text="The topics members choose from, in order.")
    standard_working_days = models.PositiveSmallIntegerField(
        "first contact within (working days)",
        default=5,
        validators=[MinValueValidator(1, "Allow at least 1 working day."), MaxValueValidator(30, "Allow 30 working days at most.")],
        help_text="First contact by close of business on this working day after the enquiry is sent.",
    )
    urgent_hours = models.PositiveSmallIntegerField(
        "urgent: first contact within (hours)",
        default=48,
        validators=[MinValueValidator(1, "Allow at least 1 hour."), MaxValueValidator(240, "Allow 240 hours at most.")],
        help_text="First contact within this many clock hours (nights and weekends count) for an urgent enquiry.",
    )
    close_of_business = models.TimeField(
        default=time(17, 0), help_text="The time of day a promise in working days falls due, for example 17:00."
    )
    audience = models.CharField("who it is for", max_length=10, choices=Audience, default=Audience.PRACTICE)
    default_sharing = models.CharField(max_length=10, choices=Sharing, default=Sharing.ONLY_ME)
    staff_group = models.ForeignKey(
        "auth.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_services",
        verbose_name="staff group",
        help_text="Only people in this staff group see its enquiries. Leave empty for every LMC officer who works enquiries.",
    )
    reminder_email = models.EmailField(
        "inbox for this service",
        blank=True,
        help_text="Where new enquiries, reminders and overdue alerts go. Leave empty for the LMC's triage inbox.",
    )
    retention_years = models.PositiveSmallIntegerField(
        "years kept after closing",
        default=6,
        validators=[MinValueValidator(1, "Keep enquiries for at least 1 year after closing.")],
        help_text="Whole years after an enquiry is closed before its text and names are removed.",
    )
    session_allowance = models.PositiveSmallIntegerField(
        "support sessions per enquiry",
        default=6,
        help_text="Support sessions each enquiry may have; the triage lead can raise it for one enquiry.",
    )
    position = models.PositiveSmallIntegerField(
        "order on the support page", default=0, help_text="Lower numbers come first on the support page."
    )

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(standard_working_days__gte=1),
                name="svc_working_days_positive",
                violation_error_message="First contact must be promised within at least 1 working day.",
            ),
            models.CheckConstraint(
                condition=Q(urgent_hours__gte=1),
                name="svc_urgent_hours_positive",
                violation_error_message="An urgent enquiry must be promised first contact within at least 1 hour.",
            ),
            models.CheckConstraint(
                condition=Q(retention_years__gte=1),
                name="svc_retention_at_least_a_year",
                violation_error_message="Keep enquiries for at least 1 year after they close.",
            ),
            # A service for a person is only ever seen by that person.
            models.CheckConstraint(
                condition=~Q(audience=Audience.PERSON) | Q(default_sharing=Sharing.ONLY_ME),
                name="svc_person_only_me",
                violation_error_message="A service for a person is only ever seen by that person: sharing must be 'Only me'.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def for_person(self) -> bool:
        return self.audience == Audience.PERSON

    @property
    def targets(self) -> sla.Targets:
        return sla.Targets(
            working_days=self.standard_working_days,
            urgent_hours=self.urgent_hours,
            close_of_business=self.close_of_business,
        )

    def topic_choices(self) -> list[tuple[str, str]]:
        return [(value, TOPIC_LABELS[value]) for value in self.topics if value in TOPIC_LABELS]

    def crisis_contact_lines(self) -> list[str]:
        return [line.strip() for line in self.crisis_contacts.splitlines() if line.strip()]

    @property
    def inbox(self) -> str:
        from django.conf import settings as django_settings

        return self.reminder_email or django_settings.LMC_TRIAGE_EMAIL


def leadership_service_id() -> int | None:
    """The default service of an enquiry made without one: Leadership and Management Support."""
    return SupportService.objects.filter(slug="leadership").values_list("pk", flat=True).first()


class Enquiry(models.Model):
    """A confidential request to one of the LMC's support services."""

    reference = models.CharField(max_length=16, unique=True, editable=False)
    service = models.ForeignKey(
        SupportService, on_delete=models.PROTECT, related_name="enquiries", default=leadership_service_id
    )
    # For a service for a person: whether it is about the sender or a colleague they are worried about.
    about = models.CharField(max_length=10, choices=About, blank=True)
    # Support sessions this request may have (from the service; the triage lead may raise it).
    session_allowance = models.PositiveSmallIntegerField(default=0)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="enquiries")
    scope = models.CharField(max_length=10, choices=Scope, default=Scope.PRACTICE)
    # The practice's PCN when the enquiry was made, for PCN-scope enquiries.
    pcn = models.ForeignKey(PCN, on_delete=models.PROTECT, null=True, blank=True, related_name="enquiries", verbose_name="PCN")
    topic = models.CharField(max_length=30, choices=ALL_TOPIC_CHOICES)
    urgent = models.BooleanField(default=False)
    urgent_reason = models.TextField(blank=True)
    summary = models.CharField(max_length=SUMMARY_MAX_LENGTH)
    details = models.TextField()
    preferred_contact_times = models.CharField(max_length=CONTACT_TIMES_MAX_LENGTH, blank=True)
    contact_phone = models.CharField(max_length=PHONE_MAX_LENGTH, blank=True)

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="submitted_enquiries"
    )
    # Who at the practice may see it besides the sender (enquiries.selectors.member holds the rule).
    sharing = models.CharField(max_length=10, choices=Sharing, default=Sharing.ONLY_ME)
    shared_with = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="enquiries_shared_with_me")
    submitted_at = models.DateTimeField()
    # When the first-contact clock started: submission, or the moment PCN
    # support resumed for an enquiry that was held.
    sla_started_at = models.DateTimeField(null=True, blank=True)
    first_contact_due_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    first_contact_method = models.CharField(max_length=30, blank=True)

    status = models.CharField(max_length=20, choices=Status, default=Status.SUBMITTED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_enquiries"
    )
    # The agreed plan and the outcome are written for the member and shown to
    # everyone who may see the enquiry; staff notes are the working notes.
    plan = models.TextField(blank=True)
    plan_published_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    outcome_published_at = models.DateTimeField(null=True, blank=True)
    # When a member last chased a late first contact (at most once a day).
    chased_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # A random token from the form, so a double click or a resent POST finds
    # the enquiry already made instead of making a second one.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Data protection (see the section at the end of this module). An enquiry
    # is restricted when `restricted_to` names anyone: then only those staff see it.
    restricted_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="restricted_enquiries",
        help_text="When anyone is named here, only they can see this enquiry.",
    )
    # `restricted_to` names anyone: kept by the restrict and unrestrict services
    # and by signals on the names (see enquiry_restriction_flag_refresh), so the
    # visibility rule looks for names only on the few restricted enquiries.
    is_restricted = models.BooleanField(default=False, editable=False)
    # Its first-contact-overdue reminder has been recorded (a Reminder of kind
    # "breached"): set by the reminder sweep in the transaction that claims it,
    # so the sweep's index holds only the enquiries still owed one and a sweep
    # with nothing due reads nothing, however many overdue enquiries there are.
    breach_reminded = models.BooleanField(default=False, editable=False)
    restricted_at = models.DateTimeField(null=True, blank=True)
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text="When the text and names were removed under the retention policy."
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "is_restricted", "breach_reminded"])

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name_plural = "enquiries"
        indexes = [
            models.Index(fields=["status", "first_contact_due_at"], name="enq_status_due_idx"),
            models.Index(fields=["practice", "-submitted_at"], name="enq_practice_submitted_idx"),
            models.Index(fields=["submitted_at"], name="enq_submitted_idx"),
            models.Index(fields=["assigned_to", "status"], name="enq_assigned_status_idx"),
            # Serves the triage dashboard's default order without sorting the table.
            models.Index(TRIAGE_RANK, F("first_contact_due_at"), F("id"), name="enq_triage_order_idx"),
            # Triage dashboard: open enquiries still waiting for first contact, by due time
            # (the default order and the breached / due-soon filters).
            models.Index(
                fields=["first_contact_due_at"],
                condition=Q(first_contact_at__isnull=True),
                name="enq_awaiting_contact_due_idx",
            ),
            # Enquiries owed a breach reminder, by due time: the reminder sweep's read.
            models.Index(
                fields=["first_contact_due_at", "id"],
                condition=Q(status__in=AWAITING_FIRST_CONTACT, first_contact_at__isnull=True, breach_reminded=False),
                name="enq_owed_breach_reminder_idx",
            ),
            models.Index(fields=["topic", "status"], name="enq_topic_status_idx"),
            # The few restricted enquiries (the visibility rule's names are looked up only for them).
            models.Index(fields=["id"], condition=Q(is_restricted=True), name="enq_restricted_idx"),
            # Open enquiries (about one in six after a few years): the overview's counts by
            # SLA state and per officer read them from this index alone (an index-only scan:
            # it carries every column the SLA state needs), never the closed ones' rows.
            models.Index(
                fields=["service", "assigned_to"],
                include=["status", "urgent", "first_contact_due_at", "first_contact_at"],
                condition=~Q(status=Status.CLOSED),
                name="enq_open_idx",
            ),
            # The support overview's live month: first contacts due since the month began.
            models.Index(fields=["first_contact_due_at"], name="enq_due_idx"),
        ]
        # Journey steps on the triage dashboard, granted to the staff groups in 0004.
        permissions = [
            ("assign_enquiry", "Can assign enquiries to any officer"),
            ("take_enquiry", "Can take an enquiry (assign it to themself)"),
            ("record_contact_enquiry", "Can record first contact, agree plans and move to facilitation"),
            ("escalate_enquiry", "Can escalate an enquiry to mediation"),
            ("close_enquiry", "Can close an enquiry with an outcome"),
            ("export_enquiry_details", "Can export the members' enquiry text in CSV"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(urgent=False) | ~Q(urgent_reason=""),
                name="enq_urgent_has_reason",
                violation_error_message="An urgent enquiry needs a reason: say why it cannot wait.",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | (~Q(outcome="") & Q(closed_at__isnull=False)),
                name="enq_closed_has_outcome",
                violation_error_message="A closed enquiry needs an outcome: say how it ended before closing it.",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.ON_HOLD, first_contact_due_at__isnull=True)
                | (~Q(status=Status.ON_HOLD) & Q(first_contact_due_at__isnull=False)),
                name="enq_due_unless_on_hold",
                violation_error_message="An enquiry needs a first-contact due time unless it is on hold.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=AFTER_FIRST_CONTACT) | Q(first_contact_at__isnull=False),
                name="enq_contact_before_later_steps",
                violation_error_message="Record first contact before moving the enquiry to a plan, facilitation, mediation or closing it.",
            ),
            models.CheckConstraint(
                condition=~Q(scope=Scope.PCN) | Q(pcn__isnull=False),
                name="enq_pcn_scope_has_pcn",
                violation_error_message="A PCN enquiry needs its PCN: choose the practice's PCN, or make it a practice enquiry.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[*AWAITING_FIRST_CONTACT, Status.ON_HOLD]) | Q(first_contact_at__isnull=True),
                name="enq_no_contact_while_awaiting",
                violation_error_message="An enquiry waiting to be triaged cannot have a first contact yet: triage it first.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.summary}"


class ServiceReferenceCounter(models.Model):
    """The last reference number a service used in a year; its row is locked to allocate the next."""

    service = models.ForeignKey(SupportService, on_delete=models.PROTECT, related_name="reference_counters")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "year"],
                name="refcounter_one_per_service_year",
                violation_error_message="This service already has a reference counter for that year.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.year}: {self.last_number}"


# --- The support overview's monthly figures ---


class OverviewMonth(models.Model):
    """A calendar month (Europe/London) whose support overview figures are kept in `OverviewMonthCount`.

    The figures count what happened from the month's first moment up to
    `summarised_until`: the month's end once it is over, or for the current
    month the last midnight before the summary ran. Written by
    `enquiries.services.overview_months_summarise` (nightly, on beat). The
    overview counts the rest of the month live, and a month without a row
    here wholly live, so a missing summary costs speed, never correctness.
    """

    month = models.DateField(unique=True, help_text="The first day of the month.")
    summarised_until = models.DateTimeField()
    summarised_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="overview_month_is_first_day",
                violation_error_message="A summarised month is written as its first day.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%b %Y}"


class OverviewMonthCount(models.Model):
    """How many enquiries of one service, topic and urgency a closed month saw, for the support overview.

    Up to the month's `OverviewMonth.summarised_until`: `submitted`,
    submitted then; `first_contact_due`, first contact due then (each one
    counts once its due time has passed: met, missed or breached); and
    `first_contact_met`, of those, made by the due time.
    Every enquiry counts here, restricted or not and whoever is conflicted:
    the overview subtracts, per viewer, the few that are hidden from them
    (`enquiries.selectors.visibility.enquiries_hidden_from_staff`), so a
    restriction or a conflict declared after the month was summarised still
    applies at once. Never shown to anyone as it stands.
    """

    summary = models.ForeignKey(OverviewMonth, on_delete=models.CASCADE, related_name="counts")
    service = models.ForeignKey(SupportService, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=30, choices=ALL_TOPIC_CHOICES)
    urgent = models.BooleanField()
    submitted = models.PositiveIntegerField(default=0)
    first_contact_due = models.PositiveIntegerField(default=0)
    first_contact_met = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "service", "topic", "urgent"],
                name="overview_count_one_per_key",
                violation_error_message="This month already has figures for that service, topic and urgency.",
            ),
            models.CheckConstraint(
                condition=Q(first_contact_met__lte=F("first_contact_due")),
                name="overview_count_met_within_due",
                violation_error_message="More first contacts were on time than were due.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.summary_id} {self.service_id} {self.topic} {'urgent' if self.urgent else 'standard'}"


# --- PCN support pause ---


class PcnSupportPause(models.Model):
    """A period when the LMC has paused support to PCNs.

    While a pause is active, PCN-scope enquiries are accepted but held with no
    due time; resuming starts their first-contact clock. At most one pause is
    active at a time (a partial unique constraint on `active`).
    """

    message = models.TextField(
        help_text="Shown at the top of the support form, for example why support is paused and what to do meanwhile."
    )
    ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day of the pause. Support resumes automatically the day after. Leave empty to resume by hand.",
    )
    active = models.BooleanField("in force", default=True, editable=False)
    started_at = models.DateTimeField(editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    resumed_at = models.DateTimeField(null=True, blank=True, editable=False)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "PCN support pause"
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=Q(active=True),
                name="enq_one_active_pcn_pause",
                violation_error_message="Support to PCNs is already paused. Change the existing pause instead of adding another.",
            ),
            models.CheckConstraint(
                condition=Q(active=True, resumed_at__isnull=True) | Q(active=False, resumed_at__isnull=False),
                name="enq_pcn_pause_resumed_iff_inactive",
                violation_error_message="A pause that is still on cannot have a resumed time, and one that has ended needs it.",
            ),
        ]

    def __str__(self) -> str:
        if self.active:
            return f"PCN support paused since {self.started_at:%d %b %Y}"
        return f"PCN support paused {self.started_at:%d %b %Y} to {self.resumed_at:%d %b %Y}"


# --- Staff notes ---


class StaffNote(models.Model):
    """A note by LMC staff on an enquiry. Never shown to members; never edited once written."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("written at", editable=False)  # set by staff_note_add
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["enquiry", "created_at"], name="enq_note_enquiry_created_idx")]

    def __str__(self) -> str:
        return f"Note by {self.author} on {self.created_at:%d %b %Y %H:%M}"


# --- Reminders ---


class Reminder(models.Model):
    """A first-contact SLA reminder for one enquiry: at most one of each kind, ever.

    The row is the claim: a sweep inserts it, together with its outbox email,
    in one transaction, and the unique constraint makes a second sweep's
    insert fail. Delivery (claim, retry, takeover after a crash) is the
    outbox's job; the reminder's state is its email's.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "First contact due soon"
        BREACHED = "breached", "First contact overdue"

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind)
    # The due moment the reminder was about, kept in case the SLA moves later.
    first_contact_due_at = models.DateTimeField()
    email = models.OneToOneField(
        "mail.OutboundEmail", on_delete=models.PROTECT, related_name="enquiry_reminder", null=True, blank=True
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enquiry", "kind"],
                name="reminder_once_per_kind",
                violation_error_message="This reminder has already been sent for this enquiry.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.enquiry.reference}"


# --- Data protection ---
# Who looked at which enquiry, and retention periods. (The register of
# subject access exports is privacy.PersonalDataExport.)
# The rules live in enquiries/services/data_protection.py.


class AccessAction(models.TextChoices):
    VIEWED = "viewed", "Viewed"
    EXPORTED = "exported", "Exported"
    RESTRICTED = "restricted", "Restricted to named officers"
    UNRESTRICTED = "unrestricted", "Restriction lifted"
    SUBJECT_ACCESS = "subject_access", "Included in a subject access export"
    ANONYMISED = "anonymised", "Anonymised (retention policy)"


class EnquiryAccess(models.Model):
    """One staff access to an enquiry: who, when, what they did and from where.

    Rows are only ever inserted. The enquiry and the user are protected from
    deletion so the record cannot be lost by deleting what it is about.
    """

    enquiry = models.ForeignKey(Enquiry, on_delete=models.PROTECT, related_name="access_log")
    # Empty for the system (the retention job).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="enquiry_accesses"
    )
    action = models.CharField("what they did", max_length=20, choices=AccessAction)
    at = models.DateTimeField("when", default=timezone.now)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "enquiry access record"
        verbose_name_plural = "enquiry access log"
        # Nobody may add, change or delete log rows through Django's permissions.
        default_permissions = ("view",)
        permissions = [("restrict_enquiry", "Can restrict an enquiry to named officers")]
        indexes = [
            models.Index(fields=["enquiry", "-at"], name="enq_access_enquiry_idx"),
            models.Index(fields=["user", "-at"], name="enq_access_user_idx"),
        ]

    def __str__(self) -> str:
        who = self.user or "System"
        return f"{who} {self.get_action_display().lower()} {self.enquiry.reference} at {self.at:%Y-%m-%d %H:%M}"


class RetentionPolicy(models.Model):
    """How long after closing an enquiry on a topic keeps its text and names.

    Topics without a row use the setting LMC_RETENTION_YEARS_DEFAULT.
    """

    topic = models.CharField(max_length=30, choices=Topic, unique=True)
    years_after_closing = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(1, "Keep enquiries for at least 1 year after closing.")],
        help_text="Whole years after the enquiry is closed before its text and names are removed.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["topic"]
        verbose_name_plural = "retention policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(years_after_closing__gte=1),
                name="enq_retention_at_least_a_year",
                violation_error_message="Keep closed enquiries for at least one year.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}: {self.years_after_closing} years after closing"


# --- Conflicts of interest ---
# The rule (who is conflicted with which enquiries) lives in
# enquiries/selectors/visibility.py; declaring and withdrawing in
# enquiries/services/conflicts.py.


class ConflictOfInterest(models.Model):
    """A staff member's declared conflict with a practice or a PCN (exactly one).

    A PCN conflict covers every practice in that PCN at the time of reading.
    Conflicts are never deleted: withdrawing one (by the triage lead) stamps
    `withdrawn_at` and `withdrawn_by`, so the record of who was conflicted
    when stays. Conflicts from a staff member's own memberships are automatic
    and are not stored here.
    """

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflicts_of_interest"
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="conflicts_of_interest"
    )
    pcn = models.ForeignKey(
        PCN, on_delete=models.PROTECT, null=True, blank=True, related_name="conflicts_of_interest", verbose_name="PCN"
    )
    reason = models.TextField(help_text="For example: my spouse is the practice manager there.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["officer__last_name", "officer__first_name", "-recorded_at"]
        verbose_name = "conflict of interest"
        verbose_name_plural = "conflicts of interest"
        # Nobody edits or deletes a conflict: it is declared, and withdrawn by the triage lead.
        default_permissions = ("view", "add")
        permissions = [
            ("declare_own_conflict", "Can declare their own conflicts of interest"),
            ("manage_conflicts", "Can record conflicts for any officer, withdraw them and see them all"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(practice__isnull=False, pcn__isnull=True) | Q(practice__isnull=True, pcn__isnull=False),
                name="coi_practice_xor_pcn",
                violation_error_message="Choose either a practice or a PCN, not both.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True) | Q(withdrawn_at__isnull=False),
                name="coi_withdrawn_by_only_when_withdrawn",
                violation_error_message="Only a withdrawn conflict of interest can say who withdrew it.",
            ),
            models.UniqueConstraint(
                fields=["officer", "practice"],
                condition=Q(withdrawn_at__isnull=True),
                name="coi_one_open_per_practice",
                violation_error_message="This conflict of interest is already recorded.",
            ),
            models.UniqueConstraint(
                fields=["officer", "pcn"],
                condition=Q(withdrawn_at__isnull=True),
                name="coi_one_open_per_pcn",
                violation_error_message="This conflict of interest is already recorded.",
            ),
        ]
        indexes = [models.Index(fields=["officer", "withdrawn_at"], name="coi_officer_open_idx")]

    def __str__(self) -> str:
        return f"{self.officer}: {self.practice or self.pcn}"

    @property
    def is_open(self) -> bool:
        return self.withdrawn_at is None


# --- Messages and documents (the member's side) ---


def enquiry_file_storage():
    """The named storage for enquiry documents: never under MEDIA_URL or the static files."""
    from django.core.files.storage import storages

    return storages["enquiry_files"]


class EnquiryMessage(models.Model):
    """A message in an enquiry's conversation between the practice and the LMC.

    Members see these; staff notes are kept apart and never shown to them.
    """

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="messages")
    # Empty once the author's account is closed; `from_lmc` still says which side wrote it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="enquiry_messages"
    )
    from_lmc = models.BooleanField()
    text = models.TextField(blank=True)
    created_at = models.DateTimeField()
    # When LMC staff first opened a member's message (empty: unread by the LMC).
    read_by_lmc_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["enquiry", "created_at"], name="enq_message_enquiry_idx")]

    def __str__(self) -> str:
        side = "LMC" if self.from_lmc else "member"
        return f"Message from the {side} on {self.created_at:%d %b %Y %H:%M}"


class EnquiryFile(models.Model):
    """A document attached to a message, stored in the `enquiry_files` storage."""

    message = models.ForeignKey(EnquiryMessage, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=enquiry_file_storage, upload_to="enquiries/%Y/%m/", max_length=300)
    name = models.CharField(max_length=200, help_text="The file's name, as shown and downloaded.")
    kind = models.CharField(max_length=10)  # enquiries.files.KINDS
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class EnquiryDraft(models.Model):
    """What a member has typed into the Request support form and not yet sent.

    Kept on the server (never in the browser: practice computers are shared),
    seen only by its author, deleted when sent or 30 days after its last change.
    """

    author = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enquiry_draft")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Draft enquiry by {self.author} ({self.updated_at:%d %b %Y %H:%M})"


# --- Support sessions and signposting (services for a person) ---


class SupportSession(models.Model):
    """One dated support session on a request, counted against its allowance."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="support_sessions")
    held_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["held_on", "pk"]
        permissions = [("raise_session_allowance", "Can raise a request's support-session allowance")]

    def __str__(self) -> str:
        return f"Support session on {self.held_on:%d %b %Y}"


class SignpostCategory(models.TextChoices):
    LEGAL = "legal", "Legal"
    HR = "hr", "HR and employment"
    MDO = "mdo", "Medical defence organisations"
    WELLBEING = "wellbeing", "Wellbeing and health"
    REGULATORS = "regulators", "Regulators"
    TRAINING = "training", "Training and education"
    FINANCE = "finance", "Finance and accountancy"
    BMA = "bma", "BMA and GPC"


class Signpost(models.Model):
    """An organisation the LMC points members to (it gives no legal or HR advice itself)."""

    name = models.CharField(max_length=150, unique=True)
    category = models.CharField(max_length=20, choices=SignpostCategory)
    helps_with = models.TextField("what they help with")
    phone = models.CharField("telephone", max_length=40, blank=True)
    web = models.URLField("web address", blank=True)
    email = models.EmailField(blank=True)
    for_gps = models.BooleanField("for GPs", default=True)
    for_practice_staff = models.BooleanField(default=False)
    for_practices = models.BooleanField(default=False)
    topics = models.JSONField(default=list, blank=True, help_text="Topics beside whose form it appears.")
    topic_advice = models.CharField(
        max_length=200,
        blank=True,
        help_text="One line shown beside the form, for example 'For legal advice, contact your medical defence organisation'.",
    )

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(for_gps=True) | Q(for_practice_staff=True) | Q(for_practices=True),
                name="signpost_for_someone",
                violation_error_message="Say who it is for: GPs, practice staff or practices.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def who_for(self) -> str:
        parts = [
            label
            for flag, label in [(self.for_gps, "GPs"), (self.for_practice_staff, "practice staff"), (self.for_practices, "practices")]
            if flag
        ]
        return ", ".join(parts)


class EnquirySignpost(models.Model):
    """An officer pointed the member to an organisation: shown in the history and on the member's page."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="signposts")
    signpost = models.ForeignKey(Signpost, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = "signposting"

    def __str__(self) -> str:
        return f"Signposted to {self.signpost.name}"
