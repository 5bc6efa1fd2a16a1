"""Admin for data protection: the read-only access log, subject access exports,
retention periods, and mixins for the triage Enquiry admin.

Wiring into the triage admin (enquiries/admin/triage/):

    class EnquiryAdmin(EnquiryDataProtectionAdminMixin, admin.ModelAdmin):
        def get_queryset(self, request):
            return enquiry_list_for_staff(user=request.user, ...)  # the one staff selector

and, in the CSV export, `self.log_export(request, queryset)`. Another admin of
enquiries whose get_queryset does not call super() wraps its result in
`self.visible_only(request, queryset)`, which applies the same rule.
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from privacy.admin import ReadOnlyLogAdmin

from ..models import AccessAction, Enquiry, EnquiryAccess, RetentionPolicy
from ..selectors.data_protection import restriction_officer_choices
from ..selectors.visibility import enquiries_visible_to_staff
from ..services.data_protection import enquiry_access_record, enquiry_restrict, enquiry_unrestrict


def access_log_url(enquiry: Enquiry) -> str:
    """Return the admin link to one enquiry's access log."""
    return reverse("admin:enquiries_enquiryaccess_changelist") + "?" + urlencode({"enquiry__id__exact": enquiry.pk})


@admin.register(EnquiryAccess)
class EnquiryAccessAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "who", "action", "enquiry_reference", "practice", "ip_address", "note"]
    list_filter = ["action", ("user", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = [
        "enquiry__reference",
        "enquiry__practice__name",
        "enquiry__practice__ods_code",
        "user__email",
        "user__first_name",
        "user__last_name",
    ]
    date_hierarchy = "at"
    list_select_related = ["user", "enquiry", "enquiry__practice"]
    list_per_page = 100

    def get_queryset(self, request):
        # The log names enquiries and practices: only of enquiries the reader may see.
        visible = enquiries_visible_to_staff(user=request.user).values("pk")
        return super().get_queryset(request).filter(enquiry__in=visible)

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # Links from an enquiry go to its own log.
        return lookup == "enquiry__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description="who", ordering="user__last_name")
    def who(self, obj: EnquiryAccess) -> str:
        return str(obj.user) if obj.user else "System (retention job)"

    @admin.display(description="enquiry", ordering="enquiry__reference")
    def enquiry_reference(self, obj: EnquiryAccess) -> str:
        return obj.enquiry.reference

    @admin.display(description="practice", ordering="enquiry__practice__name")
    def practice(self, obj: EnquiryAccess) -> str:
        return obj.enquiry.practice.name


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["topic", "years_after_closing", "updated_at"]
    ordering = ["topic"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "title": f"Retention periods (topics not listed keep {settings.LMC_RETENTION_YEARS_DEFAULT} years)",
        }
        return super().changelist_view(request, extra_context)


class EnquiryRestrictForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(
        queryset=restriction_officer_choices(),
        widget=forms.CheckboxSelectMultiple,
        label="Officers who may see these enquiries",
        help_text="Everyone else, including administrators, will no longer see them. You are always included.",
        error_messages={"required": "Choose at least one officer who may see the enquiries."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluate the choices per request: officers join and leave.
        self.fields["officers"].queryset = restriction_officer_choices()


class AccessLoggedAdminMixin:
    """Record every staff view of an enquiry's change page or history in the access log.

    `log_export(request, queryset)` records an export of many enquiries in one insert.
    """

    def _log_view(self, request, object_id, response, *, context_key: str, note: str = "") -> None:
        if request.method != "GET" or response.status_code != 200:
            return
        obj = getattr(response, "context_data", {}).get(context_key) or self.get_object(request, unquote(object_id))
        if obj is not None:
            enquiry_access_record(
                user=request.user, enquiries=[obj], action=AccessAction.VIEWED, request=request, note=note
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._log_view(request, object_id, response, context_key="original")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._log_view(request, object_id, response, context_key="object", note="History")
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Only routed by simple_history's SimpleHistoryAdmin: a past version shows past text.
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._log_view(request, object_id, response, context_key="original", note="Past version")
        return response

    def log_export(self, request, queryset) -> int:
        """Record that the requesting user exported every enquiry in `queryset`."""
        return enquiry_access_record(user=request.user, enquiries=queryset, action=AccessAction.EXPORTED, request=request)


class RestrictedEnquiryAdminMixin:
    """Hide restricted enquiries from staff not named on them, everywhere the admin
    uses `get_queryset` (changelist, search, change page, actions), and offer
    triage leads the "Restrict" and "Lift restriction" actions."""

    restrict_template = "admin/enquiries/enquiry/restrict.html"

    def get_queryset(self, request):
        return self.visible_only(request, super().get_queryset(request))

    def visible_only(self, request, queryset):
        """Narrow `queryset` to the enquiries the requesting staff user may see.

        An admin whose own get_queryset does not call super() wraps its result in this.
        """
        return enquiries_visible_to_staff(user=request.user, queryset=queryset)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if IS_POPUP_VAR in request.GET:
            return actions  # choosing an enquiry for another form: Django offers no actions there, nor do we
        if request.user.has_perm("enquiries.restrict_enquiry"):
            for name in ("restrict_to_officers", "lift_restriction"):
                actions[name] = self.get_action(name)
        return actions

    @admin.display(description="restricted", boolean=True)
    def is_restricted(self, obj: Enquiry) -> bool:
        return bool(obj.restricted_at)

    @admin.display(description="access log")
    def access_log_link(self, obj: Enquiry) -> str:
        return format_html('<a href="{}">Who has opened this enquiry</a>', access_log_url(obj))

    @admin.action(description="Restrict selected enquiries to named officers")
    def restrict_to_officers(self, request, queryset):
        form = EnquiryRestrictForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                with transaction.atomic():
                    for enquiry in queryset:
                        enquiry_restrict(
                            enquiry=enquiry, officers=form.cleaned_data["officers"], by=request.user, request=request
                        )
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            else:
                count = len(queryset)
                self.message_user(
                    request,
                    f"{count} {'enquiry' if count == 1 else 'enquiries'} restricted. Only the named officers can see them now.",
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Restrict enquiries to named officers",
            "opts": self.model._meta,
            "form": form,
            "enquiries": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, self.restrict_template, context)

    @admin.action(description="Lift the restriction on selected enquiries")
    def lift_restriction(self, request, queryset):
        try:
            with transaction.atomic():
                for enquiry in queryset:
                    enquiry_unrestrict(enquiry=enquiry, by=request.user, request=request)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        count = len(queryset)
        self.message_user(
            request,
            f"Restriction lifted on {count} {'enquiry' if count == 1 else 'enquiries'}: the officers who work "
            "the service can see them again (conflicts of interest still apply).",
        )


class EnquiryDataProtectionAdminMixin(AccessLoggedAdminMixin, RestrictedEnquiryAdminMixin):
    """Everything the triage Enquiry admin needs for data protection, in one mixin."""
