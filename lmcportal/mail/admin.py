from django.contrib import admin, messages

from . import services
from .models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox: staff see what was sent, what is waiting to retry and what failed."""

    list_display = ["subject", "recipients", "status", "attempts", "last_error", "created_at", "sent_at", "next_attempt_at"]
    list_filter = ["status"]
    search_fields = ["subject", "to", "dedupe_key"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    @admin.display(description="To")
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Never delete: the outbox is the record that a message was promised.
        return False

    @admin.action(description="Try sending again now", permissions=["change"])
    def retry_now(self, request, queryset):
        count = 0
        for email in queryset.exclude(status=OutboundEmail.Status.SENT):
            services.email_retry(email=email)
            count += 1
        self.message_user(request, f"{count} email(s) queued to send again.", messages.SUCCESS)
