from django.contrib import admin, messages
from django.contrib.admin.utils import unquote

from . import services
from .models import SECRET_BODY_HIDDEN, OutboundEmail, OutboundEmailAccess

# Fields that hold what the email says; a secret email's are never shown.
CONTENT_FIELDS = {"body_text", "body_html", "attachments"}


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox: staff see what was sent, what is waiting to retry and what failed.

    An email that carries a sign-in or set-password link shows its body as
    hidden, to superusers too, and every opening of an email is recorded in
    the outbox access log.
    """

    list_display = ["subject", "recipients", "status", "secret", "attempts", "last_error", "created_at", "sent_at", "next_attempt_at"]
    list_filter = ["status", "secret"]
    search_fields = ["subject", "to", "dedupe_key"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fields = [
        "to",
        "subject",
        "secret",
        "text_body",
        "html_body",
        "attached",
        "dedupe_key",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description="To")
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)

    @admin.display(description="text")
    def text_body(self, obj: OutboundEmail) -> str:
        return SECRET_BODY_HIDDEN if obj.secret else obj.body_text

    @admin.display(description="formatted text (HTML source)")
    def html_body(self, obj: OutboundEmail) -> str:
        return SECRET_BODY_HIDDEN if obj.secret else obj.body_html

    @admin.display(description="attachments")
    def attached(self, obj: OutboundEmail) -> str:
        if obj.secret:
            return SECRET_BODY_HIDDEN
        return ", ".join(attachment["filename"] for attachment in obj.attachments)

    def get_search_fields(self, request):
        # Never let a search match inside a body: that would reveal a secret one letter at a time.
        return [field for field in super().get_search_fields(request) if field not in CONTENT_FIELDS]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        email = self.get_object(request, unquote(object_id))
        if email is not None and response.status_code == 200:
            services.outbound_email_access_record(email=email, user=request.user, request=request)
        return response

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Never delete: the outbox is the record that a message was promised.
        return False

    @admin.action(description="Try sending again now", permissions=["change"])
    def retry_now(self, request, queryset):
        count = refused = 0
        for email in queryset.exclude(status=OutboundEmail.Status.SENT):
            if services.email_retry(email=email):
                count += 1
            else:
                refused += 1
        self.message_user(request, f"{count} {'email' if count == 1 else 'emails'} queued to send again.", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"{refused} {'email' if refused == 1 else 'emails'} held a sign-in link that was removed when sending failed. "
                "Send the person a new invitation, or ask them to reset their password again.",
                messages.WARNING,
            )


@admin.register(OutboundEmailAccess)
class OutboundEmailAccessAdmin(admin.ModelAdmin):
    """Who opened which outbox email. Nobody can add, change or delete rows, superusers included."""

    list_display = ["at", "user", "email", "ip_address"]
    list_filter = [("user", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["user__email", "user__last_name", "email__subject"]
    list_select_related = ["user", "email"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
