"""The triage dashboard: the Enquiry changelist, its journey steps, staff notes,
the support overview page and the CSV export.

Staff never edit an enquiry's fields directly: members' text is read-only and
the journey moves only through the steps below, each a small form that calls
one service in `enquiries.services.triage`.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from members.models import User
from members.permissions import OFFICERS, TRIAGE_LEAD

from ..models import Enquiry, StaffNote, Status
from ..selectors.staff import TRIAGE_ORDERING, enquiry_list_for_triage, support_overview
from .conversation import MESSAGE_WAITING, EnquiryConversationAdminMixin, MessageWaitingFilter  # member branch
from .data_protection import EnquiryDataProtectionAdminMixin
from ..services import triage as services
from ..sla import SLA_STATE_LABELS, SlaState, working_days_between

# --- Time left in words ---------------------------------------------------------


def _span_in_words(span: timedelta, start: datetime, end: datetime) -> str:
    """Say how long `span` (from `start` to `end`) is: minutes, hours, or working days past a day."""
    if span < timedelta(hours=1):
        return f"{max(1, int(span.total_seconds() // 60))} min"
    if span < timedelta(hours=24):
        return f"{int(span.total_seconds() // 3600)} h"
    days = working_days_between(timezone.localdate(start), timezone.localdate(end))
    if days == 0:
        return f"{int(span.total_seconds() // 3600)} h"
    return f"{days} working day{'' if days == 1 else 's'}"


def sla_in_words(*, state: str, due: datetime | None, first_contact_at: datetime | None, now: datetime) -> str:
    """Return the time left or overdue in words, e.g. "due in 3 h", "overdue by 1 working day"."""
    if state == SlaState.ON_HOLD or due is None:
        return "no due time while PCN support is paused"
    if first_contact_at is not None:
        if first_contact_at <= due:
            return "first contact on time"
        return f"first contact {_span_in_words(first_contact_at - due, due, first_contact_at)} late"
    if now <= due:
        return f"due in {_span_in_words(due - now, now, due)}"
    return f"overdue by {_span_in_words(now - due, due, now)}"


# --- Journey steps ----------------------------------------------------------------


class ConfirmForm(forms.Form):
    """A step with nothing to type: the page asks to confirm."""


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Officer",
        help_text="The officer who will arrange the first conversation and see the enquiry through.",
        error_messages={"required": "Choose the officer to assign."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = (
            User.objects.filter(is_active=True, is_staff=True, groups__name__in=[OFFICERS, TRIAGE_LEAD])
            .distinct()
            .order_by("first_name", "last_name")
        )
        self.fields["officer"].label_from_instance = lambda user: user.get_full_name() or user.email


class FirstContactForm(forms.Form):
    date = forms.DateField(
        label="Date of the first contact",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the date of the first contact.", "invalid": "Enter a real date."},
    )
    time = forms.TimeField(
        label="Time (24-hour clock, UK time)",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Enter the time of the first contact, for example 14:30.",
            "invalid": "Enter a time like 14:30.",
        },
    )
    method = forms.ChoiceField(
        label="How it was made",
        choices=services.CONTACT_METHODS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the first contact was made."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime()
        self.fields["date"].initial = now.date()
        self.fields["time"].initial = now.strftime("%H:%M")

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            at = timezone.make_aware(datetime.combine(data["date"], data["time"]))
            if at > timezone.now():
                self.add_error(
                    "time", "The first contact time is in the future: enter when the conversation took place."
                )
            data["at"] = at
        return data


class PlanForm(forms.Form):
    plan = forms.CharField(
        label="Plan agreed with the practice",
        widget=forms.Textarea(attrs={"rows": 6}),
        # member branch: the plan is member-facing
        help_text="What the LMC will do, what the practice will do, and by when. Shown to the practice, "
        "who are emailed that it is there: keep working notes in a staff note.",
        error_messages={"required": "Enter the plan agreed with the practice."},
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 5}),
        # member branch: the outcome is member-facing
        help_text="How the enquiry ended. Shown to the practice, who are emailed that it is there: "
        "keep working notes in a staff note.",
        error_messages={"required": "Enter the outcome before closing."},
    )


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    permission: str
    form_class: type[forms.Form]
    apply: Callable[..., Enquiry]
    done: str
    intro: str = ""


STEPS = {
    step.name: step
    for step in [
        Step(
            "take",
            "Assign to me",
            "enquiries.take_enquiry",
            ConfirmForm,
            lambda enquiry, data, by: services.enquiry_assign(enquiry=enquiry, officer=by, by=by),
            "assigned to you",
            "You will be the officer responsible for arranging the first conversation.",
        ),
        Step(
            "assign",
            "Assign to an officer",
            "enquiries.assign_enquiry",
            AssignForm,
            lambda enquiry, data, by: services.enquiry_assign(enquiry=enquiry, officer=data["officer"], by=by),
            "assigned",
        ),
        Step(
            "record_first_contact",
            "Record first contact",
            "enquiries.record_contact_enquiry",
            FirstContactForm,
            lambda enquiry, data, by: services.enquiry_record_first_contact(
                enquiry=enquiry, at=data["at"], method=data["method"], by=by
            ),
            "first contact recorded",
            "Record when the LMC first spoke to the practice. This decides whether the SLA was met.",
        ),
        Step(
            "agree_plan",
            "Agree plan",
            "enquiries.record_contact_enquiry",
            PlanForm,
            lambda enquiry, data, by: services.enquiry_agree_plan(enquiry=enquiry, plan=data["plan"], by=by),
            "plan recorded",
        ),
        Step(
            "start_facilitation",
            "Move to facilitation",
            "enquiries.record_contact_enquiry",
            ConfirmForm,
            lambda enquiry, data, by: services.enquiry_start_facilitation(enquiry=enquiry, by=by),
            "moved to facilitation",
            "The LMC will facilitate the conversations agreed in the plan.",
        ),
        Step(
            "escalate",
            "Escalate to mediation",
            "enquiries.escalate_enquiry",
            ConfirmForm,
            lambda enquiry, data, by: services.enquiry_escalate_to_mediation(enquiry=enquiry, by=by),
            "escalated to mediation",
            "Mediation is the last step before legal action. Add a staff note saying why.",
        ),
        Step(
            "close",
            "Close with outcome",
            "enquiries.close_enquiry",
            OutcomeForm,
            lambda enquiry, data, by: services.enquiry_close(enquiry=enquiry, outcome=data["outcome"], by=by),
            "closed",
        ),
    ]
}


def _make_action(step: Step):
    def action(modeladmin, request, queryset):
        return modeladmin.run_step(request, step, queryset, from_changelist=True)

    action.__name__ = step.name
    action.short_description = step.label
    return action


# --- Filters ------------------------------------------------------------------------


class SlaStateFilter(admin.SimpleListFilter):
    title = "SLA state"
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [(state.value, SLA_STATE_LABELS[state]) for state in SlaState]

    def queryset(self, request, queryset):
        # `sla_state` is annotated in the database by enquiry_list_for_triage.
        return queryset.filter(sla_state=self.value()) if self.value() else queryset


class PracticePCNFilter(admin.RelatedFieldListFilter):
    """The PCN of the enquiring practice.

    Every PCN is offered (a short table), rather than only those with
    enquiries, which costs a DISTINCT over the whole enquiry table per page.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = "PCN"
        self.empty_value_display = "No PCN"


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "Me"), ("none", "Unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "none":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


# --- Staff notes ----------------------------------------------------------------------


class StaffNoteInline(admin.TabularInline):
    """Staff-only notes: author and time are set on saving; a note cannot be changed once written."""

    model = StaffNote
    fields = ["created_at", "author", "text"]
    readonly_fields = ["created_at", "author"]
    extra = 1
    can_delete = False
    verbose_name = "staff note (never shown to the practice)"
    verbose_name_plural = "staff notes (never shown to the practice)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text":
            # A tabular inline shows column headings, not labels: name the box for screen readers.
            field.widget.attrs.update({"aria-label": "New staff note", "rows": 3})
        return field

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- The dashboard -----------------------------------------------------------------------

MEMBER_FIELDS = [
    "reference",
    "practice",
    "scope",
    "pcn_display",
    "topic",
    "urgent_summary",
    "urgent_reason",
    "summary",
    "details",
    "preferred_contact_times",
    "contact_phone",
    "submitted_by",
    "submitted_at",
]
JOURNEY_FIELDS = [
    "status",
    "assigned_to",
    "sla_badge",
    "first_contact_due_at",
    "first_contact_at",
    "first_contact_method",
    "plan",
    "outcome",
    "closed_at",
    "journey_history",
]
CSV_COLUMNS = [
    ("Reference", lambda e: e.reference),
    ("Submitted", lambda e: _local(e.submitted_at)),
    ("Practice", lambda e: e.practice.name),
    ("ODS code", lambda e: e.practice.ods_code),
    ("PCN", lambda e: e.practice.pcn.name if e.practice.pcn else ""),
    ("Scope", lambda e: e.get_scope_display()),
    ("Topic", lambda e: e.get_topic_display()),
    ("Urgent", lambda e: "yes" if e.urgent else "no"),
    ("Status", lambda e: e.get_status_display()),
    ("Assigned officer", lambda e: _officer_name(e.assigned_to)),
    ("First contact due", lambda e: _local(e.first_contact_due_at)),
    ("First contact", lambda e: _local(e.first_contact_at)),
    ("First contact method", lambda e: dict(services.CONTACT_METHODS).get(e.first_contact_method, "")),
    ("SLA state", lambda e: SLA_STATE_LABELS[SlaState(e.sla_state)]),
    ("Closed", lambda e: _local(e.closed_at)),
]
CSV_DETAIL_COLUMNS = [
    ("Summary", lambda e: e.summary),
    ("Details", lambda e: e.details),
    ("Why urgent", lambda e: e.urgent_reason),
    ("Preferred contact times", lambda e: e.preferred_contact_times),
    ("Contact phone", lambda e: e.contact_phone),
    ("Plan", lambda e: e.plan),
    ("Outcome", lambda e: e.outcome),
]


def _local(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _officer_name(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user else ""


def _csv_safe(value: str) -> str:
    """Stop a spreadsheet treating member-typed text as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@admin.register(Enquiry)
class EnquiryAdmin(EnquiryConversationAdminMixin, EnquiryDataProtectionAdminMixin, admin.ModelAdmin):
    # What needs doing next comes first: on a laptop screen the right-hand
    # columns scroll out of sight beside the filters.
    list_display = [
        "reference",
        "sla_badge",
        "due_display",
        "urgent_display",
        "practice_display",
        "topic",
        "status",
        "assigned_display",
        "scope",
        "message_waiting_display",  # member branch: a practice's message waiting for the LMC
    ]
    list_display_links = ["reference"]
    list_filter = [
        SlaStateFilter,
        MessageWaitingFilter,  # member branch: a practice's message waiting for the LMC
        "status",
        "urgent",
        "topic",
        "scope",
        AssignedFilter,
        ("practice__pcn", PracticePCNFilter),
        ("submitted_at", admin.DateFieldListFilter),
    ]
    search_fields = ["reference", "practice__name", "=practice__ods_code"]
    search_help_text = "Search by reference (LMS-2026-00012), practice name or ODS code."
    list_per_page = 50
    show_full_result_count = False
    actions = [_make_action(step) for step in STEPS.values()]
    inlines = [StaffNoteInline]
    fieldsets = [
        ("What the practice told us (read-only)", {"fields": MEMBER_FIELDS}),
        ("Journey (changed only through the actions above)", {"fields": JOURNEY_FIELDS}),
    ]
    readonly_fields = MEMBER_FIELDS + JOURNEY_FIELDS

    class Media:
        css = {"all": ["css/admin_triage.css"]}

    # Queries and permissions

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enquiry]:
        # Restricted enquiries are left out for staff not named on them, here
        # and so in the changelist, search, actions, change page and export.
        return self.visible_only(
            request, enquiry_list_for_triage(now=timezone.now()).annotate(message_waiting=MESSAGE_WAITING)  # member branch
        )

    def get_ordering(self, request):
        # Breached first, then soonest due, closed last. Expressions rather than
        # the `triage_rank` annotation, because Django also uses this ordering
        # for enquiry choices in other admins, on querysets without it.
        return TRIAGE_ORDERING

    def has_add_permission(self, request) -> bool:
        return False  # enquiries come from members

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record may matter in a dispute

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {
            name: action
            for name, action in actions.items()
            if name not in STEPS or request.user.has_perm(STEPS[name].permission)
        }

    def allowed_steps(self, request: HttpRequest, enquiry: Enquiry) -> list[Step]:
        if enquiry.status == Status.CLOSED:
            return []
        return [step for step in STEPS.values() if request.user.has_perm(step.permission)]

    # Columns

    @admin.display(description="Practice", ordering="practice__name")
    def practice_display(self, obj: Enquiry) -> str:
        return format_html("{}<br><small>{}</small>", obj.practice.name, obj.practice.ods_code)

    @admin.display(description="Urgent", ordering="-urgent")
    def urgent_display(self, obj: Enquiry) -> str:
        # Only urgent ones are marked, so they stand out; a red cross on every other row would not.
        return format_html('<strong class="triage-urgent">Urgent</strong>') if obj.urgent else ""

    @admin.display(description="Urgent")
    def urgent_summary(self, obj: Enquiry) -> str:
        return "Yes: first contact due within 48 hours" if obj.urgent else "No"

    @admin.display(description="PCN")
    def pcn_display(self, obj: Enquiry) -> str:
        return obj.pcn.name if obj.pcn else "Not a PCN enquiry"

    @admin.display(description="Officer", ordering="assigned_to__first_name")
    def assigned_display(self, obj: Enquiry) -> str:
        return _officer_name(obj.assigned_to) or "Unassigned"

    @admin.display(description="First contact due", ordering="first_contact_due_at")
    def due_display(self, obj: Enquiry) -> str:
        if obj.first_contact_due_at is None:
            return "On hold"
        return f"{timezone.localtime(obj.first_contact_due_at):%a %-d %b %H:%M}"

    @admin.display(description="SLA", ordering="triage_rank")
    def sla_badge(self, obj: Enquiry) -> str:
        state = SlaState(obj.sla_state)  # annotated in the database by the selector
        words = sla_in_words(
            state=state, due=obj.first_contact_due_at, first_contact_at=obj.first_contact_at, now=timezone.now()
        )
        return format_html(
            '<span class="sla-badge sla-{}" data-sla-state="{}">{}</span> <span class="sla-words">{}</span>',
            state.value.replace("_", "-"),
            state.value,
            SLA_STATE_LABELS[state],
            words,
        )

    @admin.display(description="History")
    def journey_history(self, obj: Enquiry) -> str:
        records = obj.history.select_related("history_user").order_by("-history_date")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{timezone.localtime(r.history_date):%d %b %Y %H:%M}",
                    _officer_name(r.history_user) or "The member or the system",
                    r.get_status_display(),
                    r.history_change_reason or ("Submitted" if r.history_type == "+" else "Updated"),
                )
                for r in records
            ),
        )
        return format_html(
            '<table class="journey-history"><caption>Who did what, newest first</caption>'
            '<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Status</th>'
            '<th scope="col">What</th></tr></thead><tbody>{}</tbody></table>',
            rows,
        )

    # The change form: read-only fields; notes are added through the service.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        enquiry = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "steps": self.allowed_steps(request, enquiry) if enquiry else []}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        pass  # every enquiry field is read-only here; the journey moves through the steps

    def save_formset(self, request, form, formset, change):
        # Notes go through the service, which sets the author and time; nothing else is saved.
        formset.new_objects = [
            services.staff_note_add(enquiry=form.instance, text=note_form.cleaned_data["text"], author=request.user)
            for note_form in formset.extra_forms
            if note_form.has_changed() and note_form.cleaned_data.get("text", "").strip()
        ]
        formset.changed_objects, formset.deleted_objects = [], []

    # Extra pages

    def get_urls(self):
        own = [
            path("overview/", self.admin_site.admin_view(self.overview_view), name="enquiries_enquiry_overview"),
            path("export/", self.admin_site.admin_view(self.export_view), name="enquiries_enquiry_export"),
            path(
                "<path:object_id>/step/<str:step_name>/",
                self.admin_site.admin_view(self.step_view),
                name="enquiries_enquiry_step",
            ),
        ]
        return own + super().get_urls()

    def step_view(self, request, object_id, step_name):
        step = STEPS.get(step_name)
        if step is None or not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_queryset(request).filter(pk=object_id)
        get_object_or_404(queryset)
        return self.run_step(request, step, queryset, from_changelist=False)

    def run_step(self, request, step: Step, queryset, *, from_changelist: bool):
        """Show `step`'s form for the chosen enquiries; on a valid post, apply it to each."""
        if not request.user.has_perm(step.permission):
            raise PermissionDenied
        enquiries = list(queryset)
        form = step.form_class(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, refused = [], []
            for enquiry in enquiries:
                try:
                    step.apply(enquiry, form.cleaned_data, request.user)
                    done.append(enquiry.reference)
                except ValidationError as error:
                    refused.extend(error.messages)
            if refused and not done and len(enquiries) == 1:
                for message in refused:
                    form.add_error(None, message)  # show it on the form, keeping what was typed
            else:
                if done:
                    self.message_user(request, f"{', '.join(done)}: {step.done}.", messages.SUCCESS)
                for message in refused:
                    self.message_user(request, message, messages.ERROR)
                if from_changelist:
                    return HttpResponseRedirect(request.get_full_path())
                return HttpResponseRedirect(reverse("admin:enquiries_enquiry_change", args=[enquiries[0].pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": step.label,
            "opts": self.model._meta,
            "step": step,
            "form": form,
            "enquiries": enquiries,
            "from_changelist": from_changelist,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "cancel_url": request.get_full_path()
            if from_changelist
            else reverse("admin:enquiries_enquiry_change", args=[enquiries[0].pk]),
        }
        return TemplateResponse(request, "admin/enquiries/enquiry/step.html", context)

    def overview_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        figures = support_overview(now=timezone.now(), visible_to=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": "Support overview",
            "opts": self.model._meta,
            "figures": figures,
            "charts": {"compliance": figures["compliance"], "per_topic": figures["per_topic"]},
            "compliance_rows": zip(
                *(
                    figures["compliance"][key]
                    for key in ("labels", "urgent", "standard", "counts_urgent", "counts_standard")
                )
            ),
            "topic_rows": zip(figures["per_topic"]["labels"], figures["per_topic"]["counts"]),
        }
        return TemplateResponse(request, "admin/enquiries/enquiry/support_overview.html", context)

    def export_view(self, request):
        """Download the changelist as filtered and searched, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        self.log_export(request, changelist.queryset)
        columns = CSV_COLUMNS
        if request.user.has_perm("enquiries.export_enquiry_details"):
            columns = CSV_COLUMNS + CSV_DETAIL_COLUMNS
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime()
        response["Content-Disposition"] = f'attachment; filename="enquiries-{stamp:%Y-%m-%d-%H%M}.csv"'
        writer = csv.writer(response)
        writer.writerow([title for title, _ in columns])
        for enquiry in changelist.queryset.iterator(chunk_size=500):
            writer.writerow([_csv_safe(str(value(enquiry))) for _, value in columns])
        return response
