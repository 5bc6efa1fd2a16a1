"""Admin for data protection across apps: the register of subject access
exports, and the user admin's "Download personal data" action."""

from django.contrib import admin, messages
from django.http import HttpResponse

from members.admin import UserAdmin as MembersUserAdmin
from members.models import User

from .models import PersonalDataExport
from .personal_data import personal_data_export, personal_data_export_refusals, personal_data_filename
from .services import personal_data_export_record


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """A log nobody can add to, change or delete through the admin, superusers included."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PersonalDataExport)
class PersonalDataExportAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "subject", "subject_email", "produced_by", "ip_address"]
    list_filter = ["at"]
    search_fields = ["subject__email", "subject__last_name", "produced_by__email", "produced_by__last_name"]
    list_select_related = ["subject", "produced_by"]
    date_hierarchy = "at"

    @admin.display(description="their email address", ordering="subject__email")
    def subject_email(self, obj: PersonalDataExport) -> str:
        return obj.subject.email


class UserAdmin(MembersUserAdmin):
    """Members' user admin, plus producing a person's subject access export."""

    actions = [*MembersUserAdmin.actions, "download_personal_data"]

    @admin.action(description="Download personal data (subject access request)", permissions=["export_personal_data"])
    def download_personal_data(self, request, queryset):
        """Produce one person's subject access export, as they would get it themselves."""
        if len(queryset) != 1:
            self.message_user(request, "Select one person at a time for a subject access export.", messages.ERROR)
            return None
        subject = queryset[0]
        refusals = personal_data_export_refusals(subject=subject, staff=request.user)
        if refusals:
            for reason in refusals:
                self.message_user(request, reason, messages.ERROR)
            return None
        content = personal_data_export(user=subject)
        personal_data_export_record(subject=subject, produced_by=request.user, request=request)
        self.log_change(request, subject, "Produced a subject access export.")
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{personal_data_filename(user=subject)}"'
        return response

    def has_export_personal_data_permission(self, request) -> bool:
        return request.user.has_perm("privacy.export_personal_data")


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
