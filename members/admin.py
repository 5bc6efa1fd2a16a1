from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from . import services
from .models import PCN, Area, Membership, Practice, User
from .signals import user_deactivation_warnings


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["practice"]
    fields = ["practice", "role", "is_active"]


# Whoever can set these can give themselves, or anyone, any right in the portal
# (or sign in as someone else): only superusers may change them.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


class MemberCreationForm(forms.ModelForm):
    """Add a member as staff who are not superusers do: no password (they get an invitation), no rights."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone already has an account with this email address.")
        return email

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class MemberChangeForm(UserChangeForm):
    """The change form for staff who are not superusers: no password field, not even its link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("password", None)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People's accounts.

    Staff who are not superusers (the triage lead) add members, set their
    practices and roles, invite and deactivate them. Only a superuser changes
    rights (staff status, superuser status, groups, permissions), passwords,
    the email address of an existing account (a changed address plus a
    password reset is a takeover), or anything on a staff account.
    """

    ordering = ["last_name", "first_name", "email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "invited_at", "last_login"]
    list_filter = ["is_staff", "is_active", "groups", "memberships__role", "memberships__practice__pcn"]
    search_fields = ["email", "first_name", "last_name", "memberships__practice__name", "memberships__practice__ods_code"]
    inlines = [MembershipInline]
    actions = ["send_invitation", "deactivate_left_practice"]
    readonly_fields = ["invited_at", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("first_name", "last_name", "phone")}),
        ("Access and rights", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
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

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:
            return (
                (
                    None,
                    {
                        "classes": ("wide",),
                        "description": "Add their practice and role below, save, then choose "
                        "\"Send an invitation\": they set their own password from the email.",
                        "fields": ("email", "first_name", "last_name"),
                    },
                ),
            )
        return tuple(
            (name, {**options, "fields": tuple(f for f in options["fields"] if f != "password")})
            for name, options in super().get_fieldsets(request, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += SUPERUSER_ONLY_FIELDS
            if obj is not None:
                readonly.append("email")
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        if not request.user.is_superuser:
            kwargs["form"] = MemberCreationForm if obj is None else MemberChangeForm
        return super().get_form(request, obj, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(description="Send an invitation (an email with a link to set their password)", permissions=["invite"])
    def send_invitation(self, request, queryset):
        sent = 0
        for user in queryset.filter(is_active=True):
            services.user_invite(user=user, invited_by=request.user)
            sent += 1
        skipped = queryset.count() - sent
        self.message_user(request, f"Invitation sent to {sent} {'person' if sent == 1 else 'people'}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} closed {'account was' if skipped == 1 else 'accounts were'} not invited. "
                "Tick \"Account open\" on an account first to invite them again.",
                messages.WARNING,
            )

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
                f"{len(queryset)} {'account' if len(queryset) == 1 else 'accounts'} deactivated. They cannot log in now; "
                "their enquiries stay with their practice.",
                messages.SUCCESS,
            )
            return None
        warnings = [
            warning
            for _receiver, found in user_deactivation_warnings.send(sender=User, leaving=queryset)
            for warning in found
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Deactivate accounts of people who left their practice",
            "opts": self.model._meta,
            "people": queryset,
            "warnings": warnings,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/members/user/deactivate_confirmation.html", context)


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
