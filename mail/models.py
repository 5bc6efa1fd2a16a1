from django.db import models


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

    to = models.JSONField(help_text="List of recipient addresses.")
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(
        default=list,
        blank=True,
        help_text="List of {filename, content, mimetype}; text content only.",
    )
    # Two attempts to queue the same logical message (a reminder, an
    # acknowledgement) share a key, so the second is a no-op.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outbound email"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="mail_outbound_due_idx",
                condition=models.Q(status__in=["pending", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
