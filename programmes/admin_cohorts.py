"""Staff side of programmes and cohorts: a programme with who it is for; a cohort
with its sessions on one screen (dates checked), its enrolments, waiting list
and attendance at a glance; recording attendance; the completions chart."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from members.models import Membership, User

from . import selectors, services
from .models import PM_PROGRAMME_SLUG, Cohort, CohortSession, Enrolment, Programme


class ProgrammeForm(forms.ModelForm):
    audience_roles = forms.MultipleChoiceField(
        label="Who it is for",
        choices=Membership.Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one practice role the programme is for."},
    )

    class Meta:
        model = Programme
        fields = ["name", "slug", "description", "kind", "audience_roles", "sessions_per_cohort", "completion_minimum"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    form = ProgrammeForm
    list_display = ["name", "kind", "audience", "cohort_count"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="who it is for")
    def audience(self, obj):
        return obj.audience_display()

    @admin.display(description="cohorts")
    def cohort_count(self, obj):
        return obj.cohorts.count() if obj.kind == Programme.Kind.COHORT else "—"

    def has_delete_permission(self, request, obj=None):
        # Sessions and cohorts point at their programme; the Practice Manager programme is never deleted.
        if obj is not None and (obj.slug == PM_PROGRAMME_SLUG or obj.sessions.exists() or obj.cohorts.exists()):
            return False
        return super().has_delete_permission(request, obj)


class CohortSessionFormSet(BaseInlineFormSet):
    """Check the sessions together: in order, not overlapping, inside the cohort's dates, after applications close."""

    def clean(self):
        super().clean()
        cohort = self.instance
        sessions = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            starts_at, ends_at = form.cleaned_data.get("starts_at"), form.cleaned_data.get("ends_at")
            if starts_at is None or ends_at is None:
                continue
            sessions.append((form, starts_at, ends_at))
            day = timezone.localdate(starts_at)
            if cohort.starts_on and cohort.ends_on and not cohort.starts_on <= day <= cohort.ends_on:
                form.add_error(
                    "starts_at",
                    f"This session is on {date_format(day, 'j F Y')}, outside the cohort's dates "
                    f"({date_format(cohort.starts_on, 'j F Y')} to {date_format(cohort.ends_on, 'j F Y')}).",
                )
            if cohort.applications_close_at and starts_at < cohort.applications_close_at:
                form.add_error("starts_at", "Sessions must start after applications close.")
        for (_previous, _, previous_end), (form, starts_at, _) in zip(sessions, sessions[1:], strict=False):
            if starts_at < previous_end:
                form.add_error(
                    "starts_at",
                    "Put the sessions in date order, each starting after the one above it ends.",
                )
        if not sessions:
            raise ValidationError("Add the cohort's sessions: a cohort needs at least one.")
        if cohort.completion_minimum and cohort.completion_minimum > len(sessions):
            raise ValidationError(
                f"The cohort has {len(sessions)} session{'s' if len(sessions) != 1 else ''}, so nobody could attend "
                f"the {cohort.completion_minimum} needed to complete. Add sessions or lower the number to attend."
            )


class CohortSessionInline(admin.TabularInline):
    model = CohortSession
    formset = CohortSessionFormSet
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["title", "starts_at", "ends_at", "mode", "venue", "online_link"]
    ordering = ["starts_at", "pk"]

    def get_extra(self, request, obj=None, **kwargs):
        if obj is not None:
            return 0
        programme = Programme.objects.filter(pk=request.GET.get("programme")).first()
        return programme.sessions_per_cohort if programme else 6

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.pk and obj.enrolments.filter(attendances__isnull=False).exists():
            return False  # attendance is recorded against the sessions
        return super().has_delete_permission(request, obj)


class EnrolmentInline(admin.TabularInline):
    """Who is enrolled and waiting. Places change only through the services (enrol, withdraw)."""

    model = Enrolment
    fields = ["user", "status", "created_at", "completed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "enrolments and waiting list"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status__in=Enrolment.ACTIVE).select_related("user")


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "area", "starts_on", "places", "enrolled", "waitlisted", "completed", "attendance_link"]
    list_filter = ["programme", "area"]
    search_fields = ["name", "area__name", "programme__name"]
    date_hierarchy = "starts_on"
    inlines = [CohortSessionInline, EnrolmentInline]
    filter_horizontal = ["co_facilitators"]
    readonly_fields = ["possible_co_facilitators", "deletion"]
    fieldsets = [
        (None, {"fields": ["programme", "name", "area", "description", "led_by"]}),
        ("Dates", {"fields": ["applications_open_at", "applications_close_at", "cancellation_until", "starts_on", "ends_on"]}),
        ("Places and completion", {"fields": ["capacity", "completion_minimum"]}),
        ("Co-facilitators", {"fields": ["possible_co_facilitators", "co_facilitators"]}),
        ("Deleting this cohort", {"fields": ["deletion"]}),
    ]

    def get_queryset(self, request):
        return selectors.cohorts_for_staff()

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        programme = Programme.objects.filter(pk=request.GET.get("programme")).first()
        if programme:
            initial.setdefault("completion_minimum", programme.completion_minimum)
        return initial

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "co_facilitators":
            kwargs["queryset"] = User.objects.filter(memberships__is_active=True).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = services.cohort_fill_from_waiting_list(cohort=obj)
            if promoted:
                self.message_user(
                    request, f"{promoted} {'person' if promoted == 1 else 'people'} moved off the waiting list and emailed."
                )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.enrolments.exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="can it be deleted?")
    def deletion(self, obj):
        if obj and obj.pk and obj.enrolments.exists():
            return "People have enrolled in this cohort, so it cannot be deleted. Their places and attendance are kept."
        return "A cohort nobody has enrolled in can be deleted."

    @admin.display(description="possible co-facilitators")
    def possible_co_facilitators(self, obj):
        if not obj or not obj.pk:
            return "Save the cohort first."
        people = list(selectors.co_facilitator_candidates(cohort=obj))
        if not people:
            return "Nobody yet: people who complete a cohort of this programme, or register an interest in co-facilitating in this area, appear here."
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{} ({})</li>", ((str(p), p.email) for p in people))
        )

    @admin.display(description="places", ordering="capacity")
    def places(self, obj):
        return obj.capacity

    @admin.display(description="enrolled", ordering="enrolled_count")
    def enrolled(self, obj):
        return obj.enrolled_count

    @admin.display(description="waiting list", ordering="waitlisted_count")
    def waitlisted(self, obj):
        return obj.waitlisted_count

    @admin.display(description="completed", ordering="completed_count")
    def completed(self, obj):
        return obj.completed_count

    @admin.display(description="attendance")
    def attendance_link(self, obj):
        return format_html('<a href="{}">Attendance</a>', reverse("admin:programmes_cohort_attendance", args=[obj.pk]))

    # --- Attendance and the completions chart ---

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/attendance/", wrap(self.attendance_view), name="programmes_cohort_attendance"),
            path(
                "<int:pk>/attendance/<int:session_pk>/",
                wrap(self.attendance_record_view),
                name="programmes_cohort_attendance_record",
            ),
            path("completions/", wrap(self.completions_view), name="programmes_cohort_completions"),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "completions_url": reverse("admin:programmes_cohort_completions")}
        return super().changelist_view(request, extra_context)

    def attendance_view(self, request, pk):
        cohort = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, cohort):
            raise PermissionDenied
        sessions, rows = selectors.cohort_attendance_grid(cohort=cohort)
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Attendance: {cohort}",
            "cohort": cohort,
            "sessions": [(session, session.starts_at <= now) for session in sessions],
            "rows": rows,
            "can_record": self.has_change_permission(request, cohort),
        }
        return TemplateResponse(request, "admin/programmes/cohort/attendance.html", context)

    def attendance_record_view(self, request, pk, session_pk):
        cohort = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, cohort):
            raise PermissionDenied
        session = get_object_or_404(CohortSession, pk=session_pk, cohort=cohort)
        enrolments = list(
            Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.CONFIRMED).select_related("user")
        )
        if request.method == "POST":
            attended = {int(value) for value in request.POST.getlist("attended") if value.isdigit()}
            try:
                count = services.cohort_attendance_record(
                    session=session, attended_enrolment_ids=attended, recorded_by=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Attendance recorded for {count} {'person' if count == 1 else 'people'} at “{session.title}”. "
                    "Anyone who has now completed the programme has been emailed.",
                    messages.SUCCESS,
                )
            return redirect("admin:programmes_cohort_attendance", pk=cohort.pk)
        marks = dict(session.attendances.values_list("enrolment_id", "attended"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Record attendance: {session.title}",
            "cohort": cohort,
            "session": session,
            "started": session.starts_at <= timezone.now(),
            "enrolments": [(enrolment, marks.get(enrolment.pk)) for enrolment in enrolments],
        }
        return TemplateResponse(request, "admin/programmes/cohort/attendance_record.html", context)

    def completions_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        figures = selectors.completions_per_cohort()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Completions per cohort",
            "figures": figures,
        }
        return TemplateResponse(request, "admin/programmes/cohort/completions.html", context)


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "cohort", "status", "created_at", "completed_at"]
    list_filter = ["status", ("completed_at", admin.EmptyFieldListFilter), "cohort__programme", "cohort"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "cohort__name"]
    list_select_related = ["user", "cohort"]
    readonly_fields = ["cohort", "user", "status", "created_at", "confirmed_at", "cancelled_at", "completed_at",
                       "reminded_until", "ics_sequence"]
    actions = ["cancel_enrolments"]

    def has_add_permission(self, request):
        return False  # places are only given by the enrolment service

    def has_delete_permission(self, request, obj=None):
        return False  # an enrolment is the record of a place and its attendance: withdraw it instead

    @admin.action(description="Withdraw the selected people (places go to the waiting list)", permissions=["change"])
    def cancel_enrolments(self, request, queryset):
        done = 0
        for enrolment in queryset.filter(status__in=Enrolment.ACTIVE):
            try:
                services.enrolment_cancel(enrolment=enrolment)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{enrolment}: {' '.join(error.messages)}", messages.ERROR)
        self.message_user(request, f"Withdrew {done} {'person' if done == 1 else 'people'}; each was emailed.")
