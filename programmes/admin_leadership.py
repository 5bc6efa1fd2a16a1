"""Staff side of leadership development: Training Hubs and their offers, the
template email to a hub, and members' interests (by area and role, CSV export,
and introducing a group by email)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from members.models import Membership

from . import selectors, services
from .export import csv_response
from .forms import IntroductionForm
from .models import HubEmailTemplate, HubOffer, LeadershipInterest, TrainingHub


class HubOfferInline(admin.TabularInline):
    model = HubOffer
    fields = ["category", "title", "description", "link"]
    extra = 1
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(TrainingHub)
class TrainingHubAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "area_list"]
    list_filter = ["areas"]
    search_fields = ["name", "email", "areas__name"]
    filter_horizontal = ["areas"]
    inlines = [HubOfferInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("areas")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "web_address":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="NHS areas")
    def area_list(self, obj):
        return ", ".join(area.name for area in obj.areas.all())


class HubEmailTemplateForm(forms.ModelForm):
    class Meta:
        model = HubEmailTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18, "cols": 90})}

    def clean(self):
        data = super().clean()
        for field in ("subject", "body"):
            text = data.get(field) or ""
            unknown = [part.split("}")[0] for part in text.split("{")[1:] if "{" + part.split("}")[0] + "}" not in
                       HubEmailTemplate.PLACEHOLDERS]
            if unknown:
                self.add_error(
                    field,
                    f"{{{unknown[0]}}} is not something we can fill in. Use {{hub}}, {{name}}, {{role}} or {{practice}}.",
                )
        return data


@admin.register(HubEmailTemplate)
class HubEmailTemplateAdmin(admin.ModelAdmin):
    """There is one template email: staff edit it; it cannot be added twice or deleted."""

    form = HubEmailTemplateForm
    list_display = ["subject", "updated_at"]

    def has_add_permission(self, request):
        return not HubEmailTemplate.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class AreaFilter(admin.SimpleListFilter):
    title = "NHS area"
    parameter_name = "area"

    def lookups(self, request, model_admin):
        from members.models import Area

        return [(str(area.pk), area.name) for area in Area.objects.filter(practices__isnull=False).distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(practice__area_id=self.value()) if self.value() else queryset


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Membership.Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(role=self.value()) if self.value() else queryset


@admin.register(LeadershipInterest)
class LeadershipInterestAdmin(admin.ModelAdmin):
    list_display = ["user", "practice", "area", "role_display", "take_part", "co_facilitate", "lead", "name_visible", "updated_at"]
    list_filter = [AreaFilter, RoleFilter, "take_part", "co_facilitate", "lead", "name_visible"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "practice__name"]
    readonly_fields = ["user", "practice", "take_part", "co_facilitate", "lead", "name_visible", "created_at", "updated_at"]
    actions = ["export_csv", "introduce"]

    def get_queryset(self, request):
        return selectors.interests_for_staff()

    def has_add_permission(self, request):
        return False  # members register their own interest

    def has_change_permission(self, request, obj=None):
        # Read-only for staff (a member's own choices); the change permission still allows the actions.
        return super().has_change_permission(request, obj) if obj is None else False

    @admin.display(description="NHS area", ordering="practice__area__name")
    def area(self, obj):
        return obj.practice.area or "Not recorded"

    @admin.display(description="role", ordering="role")
    def role_display(self, obj):
        return Membership.Role(obj.role).label if obj.role else "No longer at the practice"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("summary/", wrap(self.summary_view), name="programmes_leadershipinterest_summary"),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "summary_url": reverse("admin:programmes_leadershipinterest_summary"),
        }
        return super().changelist_view(request, extra_context)

    def summary_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Leadership interests by area and role",
            "rows": selectors.interest_counts_for_staff(),
            "total": LeadershipInterest.objects.count(),
        }
        return TemplateResponse(request, "admin/programmes/leadershipinterest/summary.html", context)

    @admin.action(description="Download the selected interests (CSV)", permissions=["view"])
    def export_csv(self, request, queryset):
        yes = {True: "Yes", False: "No"}
        rows = (
            [
                interest.user.get_full_name(),
                interest.user.email,
                interest.practice.name,
                interest.practice.ods_code,
                interest.practice.area.name if interest.practice.area else "",
                Membership.Role(interest.role).label if interest.role else "",
                yes[interest.take_part],
                yes[interest.co_facilitate],
                yes[interest.lead],
                yes[interest.name_visible],
                f"{timezone.localtime(interest.created_at):%d/%m/%Y}",
            ]
            for interest in queryset.order_by("practice__area__name", "role", "user__last_name")
        )
        return csv_response(
            filename=f"leadership-interests-{timezone.localdate():%Y-%m-%d}.csv",
            header=["Name", "Email", "Practice", "ODS code", "NHS area", "Role", "Taking part", "Co-facilitating",
                    "Leading", "Name shown to others", "Registered"],
            rows=rows,
        )

    @admin.action(description="Introduce the selected people to each other by email", permissions=["change"])
    def introduce(self, request, queryset):
        interests = list(queryset.select_related("user", "practice"))
        form = IntroductionForm(request.POST if "message" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                sent = services.leadership_interest_introduce(
                    interests=interests, message=form.cleaned_data["message"], sent_by=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                f"Introduction sent: {sent} separate emails, one to each person. No email addresses were shared.",
                messages.SUCCESS,
            )
            return None
        if len(interests) < 2:
            self.message_user(request, "Choose at least two people to introduce to each other.", messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Introduce people to each other",
            "interests": interests,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/programmes/leadershipinterest/introduce.html", context)
