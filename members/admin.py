from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpResponse
from django.template.response import TemplateResponse

from . import services
from .models import PCN, Area, Membership, Practice, User
from .personal_data import personal_data_export, personal_data_filename


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["practice"]
    fields = ["practice", "role", "is_active"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["last_name", "first_name", "email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "invited_at", "last_login"]
    list_filter = ["is_staff", "is_active", "groups", "memberships__role", "memberships__practice__pcn"]
    search_fields = ["email", "first_name", "last_name", "memberships__practice__name", "memberships__practice__ods_code"]
    inlines = [MembershipInline]
    actions = ["send_invitation", "deactivate_left_practice", "download_personal_data"]
    readonly_fields = ["invited_at", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("first_name", "last_name", "phone")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("invited_at", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "description": "Leave the password blank for members: send them an invitation instead.",
                "fields": ("email", "first_name", "last_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.action(description="Send invitation (set-password link)", permissions=["invite"])
    def send_invitation(self, request, queryset):
        sent = 0
        for user in queryset.filter(is_active=True):
            services.user_invite(user=user, invited_by=request.user)
            sent += 1
        skipped = queryset.count() - sent
        self.message_user(request, f"Invitation sent to {sent} person(s).", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} deactivated account(s) were not invited.", messages.WARNING)

    def has_invite_permission(self, request) -> bool:
        return request.user.has_perm("members.invite_member")

    @admin.action(description="Deactivate (left the practice)", permissions=["change"])
    def deactivate_left_practice(self, request, queryset):
        """Ask for confirmation, then close the selected accounts."""
        queryset = queryset.select_related(None).prefetch_related("memberships__practice")
        if request.POST.get("confirm") == "yes":
            for user in queryset:
                ended = services.user_deactivate(user=user)
                self.log_change(request, user, f"Deactivated (left the practice); {ended} session(s) ended.")
            self.message_user(
                request,
                f"{len(queryset)} account(s) deactivated. They cannot log in now; "
                "their enquiries stay with their practice.",
                messages.SUCCESS,
            )
            return None
        from enquiries.selectors import restricted_enquiries_orphaned_by

        context = {
            **self.admin_site.each_context(request),
            "title": "Deactivate accounts of people who left their practice",
            "opts": self.model._meta,
            "people": queryset,
            "orphaned": restricted_enquiries_orphaned_by(leaving=queryset),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/members/user/deactivate_confirmation.html", context)

    @admin.action(description="Download personal data (subject access request)", permissions=["export_personal_data"])
    def download_personal_data(self, request, queryset):
        """Produce one person's subject access export, as they would get it themselves."""
        from enquiries.selectors import enquiries_visible_to_staff
        from enquiries.services import personal_data_export_record

        if len(queryset) != 1:
            self.message_user(request, "Select one person at a time for a subject access export.", messages.ERROR)
            return None
        subject = queryset[0]
        submitted = subject.submitted_enquiries.all()
        hidden = submitted.count() - enquiries_visible_to_staff(user=request.user, queryset=submitted).count()
        if hidden:
            self.message_user(
                request,
                f"{subject} submitted {hidden} restricted enquiry(ies) you are not named on. "
                "Ask an officer named on them to produce this export.",
                messages.ERROR,
            )
            return None
        content = personal_data_export(user=subject)
        personal_data_export_record(subject=subject, produced_by=request.user, enquiries=submitted, request=request)
        self.log_change(request, subject, "Produced a subject access export.")
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{personal_data_filename(user=subject)}"'
        return response

    def has_export_personal_data_permission(self, request) -> bool:
        return request.user.has_perm("enquiries.export_personal_data")


@admin.register(PCN)
class PCNAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "icb"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    list_select_related = ["icb"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "ods_code", "pcn", "area", "contract_type", "postcode", "gpdf_opt_out"]
    list_filter = ["pcn", "area", "contract_type", "gpdf_opt_out"]
    search_fields = ["name", "ods_code", "postcode"]
    list_select_related = ["pcn", "area"]
    autocomplete_fields = ["pcn", "area"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "practice", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "practice__pcn"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "practice__name", "practice__ods_code"]
    list_select_related = ["user", "practice"]
    autocomplete_fields = ["user", "practice"]
