from django.conf import settings
from django.db import models
from django.utils import timezone

# What staff see instead of the body of an email that carries a sign-in link.
SECRET_BODY_HIDDEN = "hidden: contains a sign-in link"
# What a secret email's body becomes once it has been sent, or has failed for good.
SECRET_BODY_REMOVED = "[removed: this email contained a sign-in link]"


class OutboundEmail(models.Model):
    """One email the portal has promised to send.

    Every email is written here in the same transaction as the change that
    caused it, then delivered by a Celery task. A broker outage or a failing
    SMTP server leaves the row pending for the next sweep: nothing is dropped.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up (needs staff attention)"

    to = models.JSONField("to", help_text="The addresses it is sent to.")
    # A password-reset, invitation, confirmation or sign-in-code email. Anyone
    # who read it could take over the account, so no one reads it in the
    # admin, and its body is removed once sent or given up on.
    secret = models.BooleanField(
        "holds a sign-in link",
        default=False,
        help_text="Carries a sign-in or set-password link: what it says is never shown to staff.",
    )
    subject = models.CharField(max_length=255)
    body_text = models.TextField("text")
    body_html = models.TextField("formatted text (HTML)", blank=True)
    attachments = models.JSONField(
        "attachments",
        default=list,
        blank=True,
        help_text="Files sent with the email, such as a calendar file.",
    )
    # Two attempts to queue the same logical message (a reminder, an
    # acknowledgement) share a key, so the second is a no-op.
    dedupe_key = models.CharField(
        "repeat check",
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="Stops the same reminder or acknowledgement being queued twice. Nothing to do for staff.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("tries", default=0)
    last_error = models.TextField("last problem", blank=True, help_text="What the mail server said when the last try failed.")
    created_at = models.DateTimeField("queued at", auto_now_add=True)
    next_attempt_at = models.DateTimeField("next try at", db_index=True)
    claimed_at = models.DateTimeField("sending started at", null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outbox email"
        verbose_name_plural = "outbox"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="mail_outbound_due_idx",
                condition=models.Q(status__in=["pending", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class OutboundEmailAccess(models.Model):
    """One time a staff member opened an outbox email in the admin. Rows are only ever inserted."""

    email = models.ForeignKey(OutboundEmail, on_delete=models.PROTECT, related_name="access_log", verbose_name="email opened")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outbox_accesses", verbose_name="opened by")
    at = models.DateTimeField("opened at", default=timezone.now)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "opening of an outbox email"
        verbose_name_plural = "outbox access log"
        # Nobody may add, change or delete log rows through Django's permissions.
        default_permissions = ("view",)
        indexes = [models.Index(fields=["email", "-at"], name="mail_access_email_idx")]

    def __str__(self) -> str:
        return f"{self.user} opened outbox email {self.email_id} at {self.at:%Y-%m-%d %H:%M}"
