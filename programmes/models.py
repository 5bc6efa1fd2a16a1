"""Programmes: the Practice Manager Development Programme (drop-in sessions and
bookings, training, peer review with development plans, coaching and mentoring,
aspiring-manager groups) and cohort programmes such as Next Generation GP
(cohorts, their sessions, enrolments and attendance); Training Hubs and
members' interest in leadership development."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from members.models import Area as NhsArea
from members.models import Membership, Practice

Role = Membership.Role

PM_PROGRAMME_SLUG = "practice-manager-development"
PM_PROGRAMME = {
    "name": "Practice Manager Development Programme",
    "description": "Peer-support sessions, peer review with a development plan, coaching and mentoring, "
    "and aspiring-manager groups for practice managers, their deputies and team leads.",
    "audience_roles": [Role.PRACTICE_MANAGER, Role.ASSISTANT_MANAGER, Role.TEAM_LEAD],
}


class Programme(models.Model):
    """A development programme: who it is for, and whether it runs as drop-in sessions or as cohorts."""

    class Kind(models.TextChoices):
        DROP_IN = "drop_in", "Drop-in sessions (book each session)"
        COHORT = "cohort", "Cohorts (enrol once for a run of sessions)"

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(
        "web address name",
        max_length=60,
        unique=True,
        help_text="A short name for the programme's web address: small letters, digits and hyphens.",
    )
    description = models.TextField(help_text="What the programme is and who it helps; shown to members.")
    audience_roles = models.JSONField(
        "who it is for",
        default=list,
        help_text="The practice roles that may take part.",
    )
    kind = models.CharField("how it runs", max_length=10, choices=Kind, default=Kind.COHORT)
    sessions_per_cohort = models.PositiveSmallIntegerField(
        default=6, help_text="For cohorts: how many sessions a new cohort starts with."
    )
    completion_minimum = models.PositiveSmallIntegerField(
        "sessions to attend to complete",
        default=5,
        help_text="For cohorts: the default for a new cohort (attend at least this many sessions).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_minimum__gte=1) & Q(completion_minimum__lte=F("sessions_per_cohort")),
                name="programmes_programme_completion_within_sessions",
                violation_error_message="The sessions needed to complete must be between 1 and the number of sessions.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.audience_roles or []) - set(Role.values)
        if unknown or not self.audience_roles:
            raise ValidationError({"audience_roles": "Choose at least one practice role the programme is for."})
        if self.completion_minimum and self.sessions_per_cohort and self.completion_minimum > self.sessions_per_cohort:
            raise ValidationError(
                {"completion_minimum": "The sessions needed to complete cannot be more than the sessions in a cohort."}
            )

    def audience_display(self) -> str:
        """Return who it is for, for a sentence: "GP partner, salaried GP, GP trainee or early-career GP"."""
        return ", ".join(role_phrase(Role(role).label) for role in Role.values if role in (self.audience_roles or []))


def role_phrase(label: str) -> str:
    """Return a role label for the middle of a sentence: "Salaried GP" -> "salaried GP"; "GP partner" stays."""
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def practice_manager_programme_id() -> int:
    """Return the Practice Manager Development Programme's id (the default for drop-in sessions).

    Reads only the id, so the data migration that creates the programme can
    use it before later migrations add columns.
    """
    pk = Programme.objects.filter(slug=PM_PROGRAMME_SLUG).values_list("pk", flat=True).first()
    if pk is None:
        pk = Programme.objects.get_or_create(
            slug=PM_PROGRAMME_SLUG, defaults={**PM_PROGRAMME, "kind": Programme.Kind.DROP_IN}
        )[0].pk
    return pk


class Area(models.Model):
    """A local footprint the programme runs in, e.g. Preston, Fylde Coast, Pennine."""

    name = models.CharField(max_length=100, unique=True)
    nhs_area = models.ForeignKey(
        NhsArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="footprints",
        verbose_name="NHS area",
        help_text="The Sub-ICB location (or ICB) the footprint lies in: members there see its cohorts.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "footprint"
        verbose_name_plural = "footprints"

    def __str__(self) -> str:
        return self.name


class AspiringGroup(models.Model):
    """An aspiring practice manager group: assistants, deputies and team leads meeting monthly."""

    name = models.CharField(max_length=150)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="aspiring_groups", verbose_name="footprint")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="aspiring_groups")

    class Meta:
        ordering = ["area__name", "name"]
        verbose_name = "aspiring-manager group"
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="programmes_group_unique_name_per_area", violation_error_message="There is already a group with this name in this footprint.")]

    def __str__(self) -> str:
        return f"{self.name} ({self.area})"


class Session(models.Model):
    """Something a member books a place on: a peer-support meeting, a group meeting, a training day."""

    class Kind(models.TextChoices):
        PEER_SUPPORT = "peer_support", "Peer-support network"
        ASPIRING_GROUP = "aspiring_group", "Aspiring-manager group meeting"
        PEER_REVIEW_TRAINING = "peer_review_training", "Training day: peer-review training"
        MENTORING_TRAINING = "mentoring_training", "Training day: coaching and mentoring training"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"

    class Audience(models.TextChoices):
        PRACTICE_MANAGERS = "practice_managers", "Practice managers"
        ASPIRING = "aspiring", "Assistant or deputy practice managers and team leads"
        ALL_MANAGERS = "all_managers", "Practice managers, assistants, deputies and team leads"

    AUDIENCE_ROLES = {
        Audience.PRACTICE_MANAGERS: [Role.PRACTICE_MANAGER],
        Audience.ASPIRING: [Role.ASSISTANT_MANAGER, Role.TEAM_LEAD],
        Audience.ALL_MANAGERS: [Role.PRACTICE_MANAGER, Role.ASSISTANT_MANAGER, Role.TEAM_LEAD],
    }

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        default=practice_manager_programme_id,
        related_name="sessions",
        limit_choices_to={"kind": "drop_in"},
    )
    title = models.CharField(max_length=200)
    kind = models.CharField("type of session", max_length=30, choices=Kind, default=Kind.PEER_SUPPORT)
    description = models.TextField(blank=True, help_text="What the session covers; shown to members.")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="sessions", verbose_name="footprint")
    group = models.ForeignKey(
        AspiringGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="For an aspiring-manager group meeting: the group that meets.",
    )
    mode = models.CharField("in person or online", max_length=10, choices=Mode, default=Mode.IN_PERSON)
    venue = models.CharField(max_length=255, blank=True, help_text="Address, for an in-person session.")
    online_link = models.URLField(blank=True, help_text="Joining link, for an online session.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField("places", help_text="How many places can be confirmed.")
    audience = models.CharField(
        "who may book", max_length=20, choices=Audience, default=Audience.PRACTICE_MANAGERS
    )
    booking_closes_at = models.DateTimeField(help_text="No new bookings after this moment.")
    cancellation_until = models.DateTimeField(
        "cancellation allowed until", help_text="Members can cancel online until this moment."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="programmes_session_ends_after_start", violation_error_message="The session must end after it starts."),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="programmes_session_capacity_positive", violation_error_message="A session needs at least one place."),
            models.CheckConstraint(
                condition=Q(booking_closes_at__lte=F("starts_at")), name="programmes_session_booking_closes_by_start", violation_error_message="Booking must close before the session starts."
            ),
            models.CheckConstraint(
                condition=Q(cancellation_until__lte=F("starts_at")), name="programmes_session_cancel_by_start", violation_error_message="The cancellation cut-off must be before the session starts."
            ),
            models.CheckConstraint(
                condition=(Q(mode="in_person") & ~Q(venue="")) | (Q(mode="online") & ~Q(online_link="")),
                name="programmes_session_has_venue_or_link", violation_error_message="Enter the venue for an in-person session, or the joining link for an online one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.area}"

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if self.starts_at and self.booking_closes_at and self.booking_closes_at > self.starts_at:
            errors["booking_closes_at"] = "Booking must close before the session starts."
        if self.starts_at and self.cancellation_until and self.cancellation_until > self.starts_at:
            errors["cancellation_until"] = "The cancellation cut-off must be before the session starts."
        if self.mode == self.Mode.IN_PERSON and not self.venue:
            errors["venue"] = "Enter the venue for an in-person session."
        if self.mode == self.Mode.ONLINE and not self.online_link:
            errors["online_link"] = "Enter the joining link for an online session."
        if self.group_id and self.area_id and self.group.area_id != self.area_id:
            errors["group"] = "Choose a group in the same footprint as the session."
        if self.programme_id and self.programme.kind != Programme.Kind.DROP_IN:
            errors["programme"] = "Choose a drop-in programme. Sessions of a cohort are added on the cohort's page."
        if errors:
            raise ValidationError(errors)

    @property
    def allowed_roles(self) -> list[str]:
        return self.AUDIENCE_ROLES[self.audience]

    @property
    def training_kind(self) -> str | None:
        """The training a person who attends this session has completed, if it is a training day."""
        return {
            self.Kind.PEER_REVIEW_TRAINING: Training.Kind.PEER_REVIEWER,
            self.Kind.MENTORING_TRAINING: Training.Kind.MENTOR,
        }.get(self.kind)


class Booking(models.Model):
    """A person's place (or place in the queue) on a session."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = [Status.CONFIRMED, Status.WAITLISTED]

    # PROTECT: a session people have booked cannot be deleted (cancel the bookings first).
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_bookings", verbose_name="person")
    status = models.CharField(max_length=10, choices=Status)
    created_at = models.DateTimeField("booked at", auto_now_add=True, help_text="Arrival order for the waiting list.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True, help_text="Blank until staff record attendance.")
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="When the day-before reminder was queued.")
    # The calendar file's SEQUENCE: bumped every time the booking's invitation changes.
    ics_sequence = models.PositiveIntegerField(
        "calendar update number",
        default=0,
        help_text="Goes up each time the calendar invitation changes, so people's calendars move the event.",
    )

    class Meta:
        ordering = ["session__starts_at", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="programmes_booking_one_active_per_person", violation_error_message="This person already has a place (or a place on the waiting list) on this session.",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"], name="programmes_booking_queue_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.session} ({self.get_status_display()})"


class Training(models.Model):
    """A person has completed a programme training day, so may act as a peer reviewer or mentor."""

    class Kind(models.TextChoices):
        PEER_REVIEWER = "peer_reviewer", "Trained peer reviewer"
        MENTOR = "mentor", "Trained coach and mentor"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_trainings", verbose_name="person")
    kind = models.CharField("training", max_length=20, choices=Kind)
    completed_on = models.DateField()
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, help_text="The training day attended."
    )

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = "training record"
        verbose_name_plural = "training records"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="programmes_training_one_per_kind", violation_error_message="This person already has this training recorded.")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} ({self.completed_on:%d %B %Y})"


def _require_trained(user, kind: str, field: str) -> None:
    if user is not None and not Training.objects.filter(user=user, kind=kind).exists():
        label = "a trained peer reviewer" if kind == Training.Kind.PEER_REVIEWER else "a trained coach and mentor"
        raise ValidationError({field: f"{user} is not {label}. Only people who completed the training day can be chosen."})


class PeerReview(models.Model):
    """A formative peer review: a trained reviewer meets a manager; the outcome is a development plan."""

    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="peer_reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="peer_reviews_as_reviewer"
    )
    paired_at = models.DateTimeField(auto_now_add=True)
    meeting_on = models.DateField("review meeting date", null=True, blank=True)
    meeting_notes = models.TextField(blank=True, help_text="What the review meeting covered.")
    plan_agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-paired_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(manager=F("reviewer")), name="programmes_review_not_self", violation_error_message="A manager cannot review themselves. Choose another reviewer."),
        ]

    def __str__(self) -> str:
        return f"Peer review of {self.manager} by {self.reviewer}"

    def clean(self) -> None:
        if self.manager_id and self.manager_id == self.reviewer_id:
            raise ValidationError({"reviewer": "A manager cannot review themselves. Choose another reviewer."})
        if self.reviewer_id:
            _require_trained(self.reviewer, Training.Kind.PEER_REVIEWER, "reviewer")


class Goal(models.Model):
    """One goal in a manager's personal development plan."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "No longer a goal"

    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="goals")
    what = models.CharField("goal", max_length=255, help_text="What you want to achieve.")
    why = models.TextField(help_text="Why it matters to you and your practice.")
    target_date = models.DateField()
    status = models.CharField(max_length=15, choices=Status, default=Status.NOT_STARTED)
    progress_notes = models.TextField(blank=True, help_text="How it is going; add to it as you go.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_date", "pk"]

    def __str__(self) -> str:
        return self.what


class Mentoring(models.Model):
    """A manager paired with a trained coach and mentor."""

    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentorings")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentorings_as_mentor"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = "coaching and mentoring pairing"
        constraints = [
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="programmes_mentoring_not_self", violation_error_message="A manager cannot mentor themselves. Choose another mentor."),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="programmes_mentoring_ends_after_start", violation_error_message="The end date must be on or after the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} mentored by {self.mentor}"

    def clean(self) -> None:
        if self.mentee_id and self.mentee_id == self.mentor_id:
            raise ValidationError({"mentor": "A manager cannot mentor themselves. Choose another mentor."})
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The end date must be on or after the start date."})
        if self.mentor_id:
            _require_trained(self.mentor, Training.Kind.MENTOR, "mentor")


class MentoringSession(models.Model):
    """One coaching or mentoring conversation."""

    mentoring = models.ForeignKey(Mentoring, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    summary = models.TextField(blank=True, help_text="What was discussed and agreed (shared with the mentee).")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = "mentoring session"

    def __str__(self) -> str:
        return f"{self.mentoring} on {self.held_on:%d %B %Y}"


# --- Cohorts --------------------------------------------------------------------------


class Cohort(models.Model):
    """One run of a cohort programme in one footprint: its sessions, places, application window and completion rule."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cohorts", limit_choices_to={"kind": "cohort"}
    )
    name = models.CharField(max_length=200, help_text="For example: Next Generation GP, Greater Preston, spring 2027.")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="cohorts", verbose_name="footprint")
    description = models.TextField(blank=True, help_text="Anything particular to this cohort; shown to members.")
    led_by = models.CharField(
        max_length=200, blank=True, help_text="Who leads it, as members should see it (for example: local GPs and trainees)."
    )
    capacity = models.PositiveIntegerField("places", help_text="How many people can be confirmed.")
    applications_open_at = models.DateTimeField("applications open")
    applications_close_at = models.DateTimeField("applications close")
    cancellation_until = models.DateTimeField(
        "cancellation allowed until", help_text="Members can withdraw online until this moment."
    )
    starts_on = models.DateField("runs from", help_text="Every session must fall on or after this date.")
    ends_on = models.DateField("runs until", help_text="Every session must fall on or before this date.")
    completion_minimum = models.PositiveSmallIntegerField(
        "sessions to attend to complete", default=5, help_text="A person completes by attending at least this many."
    )
    co_facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        verbose_name="co-facilitators",
        related_name="cohorts_co_facilitated",
        help_text="People who help run this cohort, for example someone who completed an earlier one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="programmes_cohort_capacity_positive",
                violation_error_message="A cohort needs at least one place.",
            ),
            models.CheckConstraint(
                condition=Q(applications_close_at__gt=F("applications_open_at")),
                name="programmes_cohort_applications_close_after_open",
                violation_error_message="Applications must close after they open.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="programmes_cohort_ends_after_start",
                violation_error_message="The cohort must end on or after the day it starts.",
            ),
            models.CheckConstraint(
                condition=Q(completion_minimum__gte=1),
                name="programmes_cohort_completion_minimum_positive",
                violation_error_message="A person must attend at least one session to complete.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.applications_open_at and self.applications_close_at and self.applications_close_at <= self.applications_open_at:
            errors["applications_close_at"] = "Applications must close after they open."
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The cohort must end on or after the day it starts."
        if self.programme_id and self.programme.kind != Programme.Kind.COHORT:
            errors["programme"] = "Choose a cohort programme. Drop-in sessions are added as sessions."
        if self.completion_minimum is not None and self.completion_minimum < 1:
            errors["completion_minimum"] = "A person must attend at least one session to complete."
        if errors:
            raise ValidationError(errors)

    @property
    def allowed_roles(self) -> list[str]:
        return list(self.programme.audience_roles or [])


class CohortSession(models.Model):
    """One session of a cohort. People enrol in the cohort, not in its sessions."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200, help_text="For example: Session 1: leading yourself.")
    mode = models.CharField("in person or online", max_length=10, choices=Session.Mode, default=Session.Mode.IN_PERSON)
    venue = models.CharField(max_length=255, blank=True, help_text="Address, for an in-person session.")
    online_link = models.URLField(blank=True, help_text="Joining link, for an online session.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = "cohort session"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="programmes_cohortsession_ends_after_start",
                violation_error_message="A session must end after it starts.",
            ),
            models.CheckConstraint(
                condition=(Q(mode="in_person") & ~Q(venue="")) | (Q(mode="online") & ~Q(online_link="")),
                name="programmes_cohortsession_has_venue_or_link",
                violation_error_message="Enter the venue for an in-person session, or the joining link for an online one.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if self.mode == Session.Mode.IN_PERSON and not self.venue:
            errors["venue"] = "Enter the venue for an in-person session."
        if self.mode == Session.Mode.ONLINE and not self.online_link:
            errors["online_link"] = "Enter the joining link for an online session."
        if errors:
            raise ValidationError(errors)

    def get_mode_display(self) -> str:
        return Session.Mode(self.mode).label


class Enrolment(models.Model):
    """A person's place (or place in the queue) on a cohort: every session of it."""

    Status = Booking.Status
    ACTIVE = Booking.ACTIVE

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_enrolments", verbose_name="person")
    status = models.CharField(max_length=10, choices=Booking.Status)
    created_at = models.DateTimeField("enrolled at", auto_now_add=True, help_text="Arrival order for the waiting list.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person met the completion rule (set from the attendance)."
    )
    reminded_until = models.DateTimeField(
        null=True, blank=True, help_text="Start of the latest session the person has been reminded of."
    )
    ics_sequence = models.PositiveIntegerField(
        "calendar update number",
        default=0,
        help_text="Goes up each time the calendar invitation changes, so people's calendars move the event.",
    )

    class Meta:
        ordering = ["cohort__starts_on", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="programmes_enrolment_one_active_per_person",
                violation_error_message="This person is already enrolled in the cohort or on its waiting list.",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(status="confirmed"),
                name="programmes_enrolment_only_confirmed_complete",
                violation_error_message="Only a confirmed place can be completed.",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status", "created_at"], name="programmes_enrolment_queue_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.cohort} ({self.get_status_display()})"


class Attendance(models.Model):
    """Whether an enrolled person attended one session of their cohort. Recorded once the session has started."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(CohortSession, on_delete=models.PROTECT, related_name="attendances")
    attended = models.BooleanField()
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["session__starts_at", "pk"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session"],
                name="programmes_attendance_once_per_session",
                violation_error_message="Attendance for this person and session is already recorded.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.user} at {self.session}: {'attended' if self.attended else 'did not attend'}"


# --- Training Hubs and leadership interests ---------------------------------------------


class TrainingHub(models.Model):
    """The local Training Hub: where GPs find leadership and management training."""

    name = models.CharField(max_length=200, unique=True)
    areas = models.ManyToManyField(
        NhsArea,
        related_name="training_hubs",
        verbose_name="NHS areas",
        help_text="The ICB or Sub-ICB locations it serves. Members of practices there see this hub.",
    )
    web_address = models.URLField()
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    about = models.TextField(blank=True, help_text="A sentence or two on what the hub does; shown to members.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HubOffer(models.Model):
    """Something a Training Hub offers: a one-off session, a leadership programme, shadowing or eLearning."""

    class Category(models.TextChoices):
        ONE_OFF = "one_off", "One-off skills sessions"
        PROGRAMME = "programme", "Leadership programmes"
        SHADOWING = "shadowing", "Shadowing and mentoring"
        ELEARNING = "elearning", "eLearning"

    hub = models.ForeignKey(TrainingHub, on_delete=models.CASCADE, related_name="offers")
    category = models.CharField(max_length=15, choices=Category)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    link = models.URLField(blank=True, help_text="A page with the details, if there is one.")

    class Meta:
        ordering = ["hub", "category", "title"]
        verbose_name = "Training Hub offer"

    def __str__(self) -> str:
        return f"{self.title} ({self.get_category_display()})"


class HubEmailTemplate(models.Model):
    """The template email members send to their Training Hub. There is one; staff edit it in the admin."""

    PLACEHOLDERS = {
        "{hub}": "the Training Hub's name",
        "{name}": "the member's name",
        "{role}": "the member's role",
        "{practice}": "the member's practice",
    }

    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="You can use {hub}, {name}, {role} and {practice}; they are filled in for each member.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "template email to a Training Hub"
        verbose_name_plural = "template email to a Training Hub"

    def __str__(self) -> str:
        return "Template email to a Training Hub"


class LeadershipInterest(models.Model):
    """A member's interest in leadership development: taking part, co-facilitating or leading in their area."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leadership_interest")
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="+", help_text="The practice whose area the interest is in."
    )
    take_part = models.BooleanField("taking part in a programme", default=False)
    co_facilitate = models.BooleanField("co-facilitating a programme", default=False)
    lead = models.BooleanField("leading a programme in the area", default=False)
    # The member's own form has its own label ("Show my name and practice to others in my area ...").
    name_visible = models.BooleanField(
        "name shown to others in the area",
        default=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "leadership interest"
        constraints = [
            models.CheckConstraint(
                condition=Q(take_part=True) | Q(co_facilitate=True) | Q(lead=True),
                name="programmes_interest_chooses_something",
                violation_error_message="Choose at least one way you are interested.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: leadership interest"

    def choices_display(self) -> str:
        chosen = [
            field.verbose_name for field in self._meta.get_fields() if field.name in ("take_part", "co_facilitate", "lead")
            and getattr(self, field.name)
        ]
        return "; ".join(chosen)
