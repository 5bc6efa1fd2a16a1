"""The Practice Manager Development Programme: sessions and bookings, training,
peer review with development plans, coaching and mentoring, aspiring-manager groups."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from members.models import Membership

Role = Membership.Role


class Area(models.Model):
    """A local footprint the programme runs in, e.g. Preston, Fylde Coast, Pennine."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AspiringGroup(models.Model):
    """An aspiring practice manager group: assistants, deputies and team leads meeting monthly."""

    name = models.CharField(max_length=150)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="aspiring_groups")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="aspiring_groups")

    class Meta:
        ordering = ["area__name", "name"]
        verbose_name = "aspiring-manager group"
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="programmes_group_unique_name_per_area")]

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

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind, default=Kind.PEER_SUPPORT)
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
    capacity = models.PositiveIntegerField(help_text="How many places can be confirmed.")
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
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="programmes_session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="programmes_session_capacity_positive"),
            models.CheckConstraint(
                condition=Q(booking_closes_at__lte=F("starts_at")), name="programmes_session_booking_closes_by_start"
            ),
            models.CheckConstraint(
                condition=Q(cancellation_until__lte=F("starts_at")), name="programmes_session_cancel_by_start"
            ),
            models.CheckConstraint(
                condition=(Q(mode="in_person") & ~Q(venue="")) | (Q(mode="online") & ~Q(online_link="")),
                name="programmes_session_has_venue_or_link",
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

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_bookings")
    status = models.CharField(max_length=10, choices=Status)
    created_at = models.DateTimeField(auto_now_add=True, help_text="Arrival order for the waiting list.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True, help_text="Blank until staff record attendance.")
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="When the day-before reminder was queued.")
    # The calendar file's SEQUENCE: bumped every time the booking's invitation changes.
    ics_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["session__starts_at", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="programmes_booking_one_active_per_person",
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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_trainings")
    kind = models.CharField(max_length=20, choices=Kind)
    completed_on = models.DateField()
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, help_text="The training day attended."
    )

    class Meta:
        ordering = ["-completed_on"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="programmes_training_one_per_kind")]

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
            models.CheckConstraint(condition=~Q(manager=F("reviewer")), name="programmes_review_not_self"),
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
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="programmes_mentoring_not_self"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="programmes_mentoring_ends_after_start",
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
