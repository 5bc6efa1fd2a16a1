"""Conflicts of interest in the staff admin.

Officers declare their own and see their own (declared and automatic). The
triage lead records one for any officer, withdraws them (the record stays),
and sees every conflict by officer, practice and PCN, with how many open
enquiries have no officer without a conflict left.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import Membership, User
from members.permissions import OFFICERS, TRIAGE_LEAD

from ..models import ConflictOfInterest, Enquiry
from ..selectors.visibility import enquiries_without_unconflicted_officer
from ..services import conflict_declare, conflict_declare_check, conflict_withdraw

MANAGE = "enquiries.manage_conflicts"
DECLARE = "enquiries.declare_own_conflict"


class ConflictDeclareForm(forms.ModelForm):
    class Meta:
        model = ConflictOfInterest
        fields = ["officer", "practice", "pcn", "reason"]
        labels = {"practice": "Practice (or choose a PCN below)", "pcn": "PCN (covers every practice in it)"}
        help_texts = {"reason": "For example: I am a partner there, or my spouse manages the practice."}
        error_messages = {"reason": {"required": "Say why there is a conflict of interest."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "officer" in self.fields:
            self.fields["officer"].queryset = (
                User.objects.filter(is_active=True, is_staff=True, groups__name__in=[OFFICERS, TRIAGE_LEAD])
                .distinct()
                .order_by("first_name", "last_name", "email")
            )
            self.fields["officer"].error_messages["required"] = "Choose the officer who has the conflict."

    # Set by the admin: who is declaring (an officer declares for themself).
    declaring_user: User | None = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            conflict_declare_check(
                officer=data.get("officer") or self.declaring_user,
                practice=data.get("practice"),
                pcn=data.get("pcn"),
                reason=data.get("reason") or "",
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, field_errors)
            else:
                raise
        return data

    def _post_clean(self):
        # The service checks the rule and the database constraints enforce it:
        # nothing to validate on a half-built instance here.
        pass


class OpenFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "In force"), ("no", "Withdrawn")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(withdrawn_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    form = ConflictDeclareForm
    list_display = ["officer", "practice_or_pcn", "reason", "recorded_display", "status_display"]
    list_filter = [OpenFilter, ("officer", admin.RelatedOnlyFieldListFilter), "pcn", "practice"]
    search_fields = [
        "officer__first_name",
        "officer__last_name",
        "officer__email",
        "practice__name",
        "=practice__ods_code",
        "pcn__name",
    ]
    search_help_text = "Search by officer, practice name or ODS code, or PCN."
    list_select_related = ["officer", "practice", "pcn", "recorded_by", "withdrawn_by"]
    actions = ["withdraw_selected"]
    readonly_fields = ["recorded_by", "recorded_at", "withdrawn_by", "withdrawn_at"]
    change_list_template = "admin/enquiries/conflictofinterest/change_list.html"

    class Media:
        css = {"all": ["css/admin_triage.css"]}  # the admin's filter links made big enough to tap

    # Who may do what

    def _may_manage(self, request) -> bool:
        return request.user.has_perm(MANAGE)

    def has_module_permission(self, request) -> bool:
        return request.user.has_perm(DECLARE) or self._may_manage(request)

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is not None and not self._may_manage(request) and obj.officer_id != request.user.pk:
            return False
        return request.user.has_perm(DECLARE) or self._may_manage(request)

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm(DECLARE) or self._may_manage(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a conflict is declared, then withdrawn: never edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # withdrawn, not deleted, so the record stays

    def has_manage_permission(self, request) -> bool:
        return self._may_manage(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.declaring_user = request.user
        return form

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if self._may_manage(request) else queryset.filter(officer=request.user)

    def get_fields(self, request, obj=None):
        if obj is not None:
            return ["officer", "practice", "pcn", "reason", *self.readonly_fields]
        return ["officer", "practice", "pcn", "reason"] if self._may_manage(request) else ["practice", "pcn", "reason"]

    def get_list_filter(self, request):
        return self.list_filter if self._may_manage(request) else [OpenFilter]

    # Columns

    @admin.display(description="practice or PCN")
    def practice_or_pcn(self, obj: ConflictOfInterest) -> str:
        if obj.practice_id:
            return str(obj.practice)
        return f"{obj.pcn} (PCN: every practice in it)"

    @admin.display(description="recorded", ordering="recorded_at")
    def recorded_display(self, obj: ConflictOfInterest) -> str:
        return f"{timezone.localtime(obj.recorded_at):%d %b %Y} by {obj.recorded_by}"

    @admin.display(description="status", ordering="withdrawn_at")
    def status_display(self, obj: ConflictOfInterest) -> str:
        if obj.withdrawn_at is None:
            return "In force"
        return f"Withdrawn {timezone.localtime(obj.withdrawn_at):%d %b %Y} by {obj.withdrawn_by}"

    # Declaring goes through the service

    def save_model(self, request, obj, form, change) -> None:
        officer = form.cleaned_data.get("officer") or request.user
        before = set(Enquiry.objects.filter(assigned_to=officer).values_list("pk", flat=True))
        saved = conflict_declare(
            officer=officer,
            practice=form.cleaned_data.get("practice"),
            pcn=form.cleaned_data.get("pcn"),
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        for name in ("pk", "officer", "practice", "pcn", "reason", "recorded_at", "recorded_by"):
            setattr(obj, name, getattr(saved, name))
        returned = len(before - set(Enquiry.objects.filter(assigned_to=officer).values_list("pk", flat=True)))
        if returned:
            messages.warning(
                request,
                f"{returned} enquir{'y was' if returned == 1 else 'ies were'} assigned to {officer} and "
                "went back to the triage list, unassigned. The triage inbox has been told.",
            )

    @admin.action(description="Withdraw the selected conflicts (the record is kept)", permissions=["manage"])
    def withdraw_selected(self, request, queryset):
        withdrawn = 0
        for conflict in queryset.filter(withdrawn_at__isnull=True):
            conflict_withdraw(conflict=conflict, by=request.user)
            withdrawn += 1
        self.message_user(request, f"{withdrawn} conflict{'' if withdrawn == 1 else 's'} of interest withdrawn.")

    # The whole picture

    def changelist_view(self, request, extra_context=None):
        memberships = Membership.objects.filter(is_active=True, user__is_staff=True, user__is_active=True)
        if not self._may_manage(request):
            memberships = memberships.filter(user=request.user)
        extra_context = {
            **(extra_context or {}),
            "may_manage": self._may_manage(request),
            "automatic": memberships.select_related("user", "practice", "practice__pcn").order_by(
                "user__last_name", "user__first_name", "practice__name"
            ),
        }
        if self._may_manage(request):
            extra_context["uncovered_count"] = enquiries_without_unconflicted_officer().count()
        return super().changelist_view(request, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("practice", "pcn"):
            field.required = False
        return field
