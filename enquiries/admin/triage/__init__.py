"""The triage dashboard: the Enquiry changelist, its journey steps, staff notes,
the support overview page and the CSV export.

Split the way Django splits `contrib/admin`: the steps' forms in `forms.py`,
the steps themselves in `steps.py`, the changelist filters in `filters.py`,
the CSV in `export.py`, and the ModelAdmin here.

Staff never edit an enquiry's fields directly: members' text is read-only and
the journey moves only through the steps below, each a small form that calls
one service in `enquiries.services.triage`.
"""

from functools import lru_cache

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from members.html import format_cell_html

from ...models import TOPIC_LABELS, Enquiry, StaffNote, Status
from ...selectors.overview import support_overview
from ...selectors.staff import TRIAGE_ORDERING, enquiry_list_for_staff
from ...selectors.story import enquiry_story_for_staff
from ...selectors.visibility import unconflicted_officer_exists
from ...services import triage as services
from ...sla import SLA_STATE_LABELS, SlaState, sla_in_words, urgent_promise
from ..conversation import MESSAGE_WAITING, EnquiryConversationAdminMixin, MessageWaitingFilter
from ..data_protection import EnquiryDataProtectionAdminMixin
from .display import CappedCountPaginator, TriageChangeList, officer_name
from .export import enquiries_csv_response
from .filters import AssignedFilter, PracticePCNFilter, SlaStateFilter
from .forms import TriageActionForm
from .steps import STEPS, Step, StepOutcome, step_action, step_apply

__all__ = ["EnquiryAdmin", "StaffNoteInline"]


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


@lru_cache(maxsize=16)
def select_label(language: str | None) -> str:
    """Django's words for a row's checkbox, in `language`: looked up once, not on each of fifty rows."""
    return _("Select this object for an action - {}")


# --- The dashboard -----------------------------------------------------------------------

MEMBER_FIELDS = [
    "reference",
    "service",
    "about",
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
    "support_display",
    "journey_history",
]


@admin.register(Enquiry)
class EnquiryAdmin(EnquiryConversationAdminMixin, EnquiryDataProtectionAdminMixin, admin.ModelAdmin):
    # What needs doing next comes first (the SLA badge and the time left), and
    # related facts share a column, so the list fits a 1280 px laptop beside
    # the filters (tests/e2e/test_fits_the_screen.py).
    list_display = [
        "reference",
        "sla_badge",
        "due_display",
        "practice_display",
        "status",
        "assigned_display",
        "message_waiting_display",
    ]
    list_display_links = ["reference"]
    list_filter = [
        "service",
        SlaStateFilter,
        MessageWaitingFilter,
        "status",
        "urgent",
        "topic",
        "scope",
        AssignedFilter,
        PracticePCNFilter,
        ("submitted_at", admin.DateFieldListFilter),
    ]
    search_fields = ["reference", "practice__name", "=practice__ods_code"]
    search_help_text = "Search by reference (LMS-2026-00012), practice name or ODS code."
    list_per_page = 50
    show_full_result_count = False
    paginator = CappedCountPaginator  # "1,000+ enquiries": the count stops at the cap
    actions = [step_action(step) for step in STEPS.values()]
    action_form = TriageActionForm
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
        # The one staff selector: the service group, restrictions and conflicts
        # of interest apply here, and so in the changelist, search, actions,
        # steps, change page, history and export.
        # One moment per request, shared by the SLA annotation and the SLA filter.
        now = request.triage_now = getattr(request, "triage_now", None) or timezone.now()
        return enquiry_list_for_staff(user=request.user, now=now).annotate(
            has_unconflicted_officer=unconflicted_officer_exists(), message_waiting=MESSAGE_WAITING
        )

    def get_changelist(self, request, **kwargs):
        return TriageChangeList

    def get_ordering(self, request):
        # Breached first, then soonest due, closed last. Expressions rather than
        # the `triage_rank` annotation, because Django also uses this ordering
        # for enquiry choices in other admins, on querysets without it.
        return TRIAGE_ORDERING

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # The PCN filter is a search box now, but still understands links by PCN id.
        return lookup == PracticePCNFilter.id_parameter_name or super().lookup_allowed(lookup, value, request)

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
        return [
            step
            for step in STEPS.values()
            if request.user.has_perm(step.permission) and (enquiry.service.for_person or not step.for_person_only)
        ]

    # Columns

    def action_checkbox(self, obj: Enquiry) -> str:
        # Django's own builds a CheckboxInput and renders it through the form
        # renderer's template on every row: a fifth of the page's CPU. The
        # same HTML, written directly.
        return format_cell_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_cell_html(select_label(get_language()), str(obj)),
        )

    @admin.display(description="Practice and topic", ordering="practice__name")
    def practice_display(self, obj: Enquiry) -> str:
        return format_cell_html(
            "{}{} <small>{}</small><br><small>{}{}</small>",
            mark_safe('<strong class="triage-urgent">Urgent</strong> ') if obj.urgent else "",
            obj.practice.name,
            obj.practice.ods_code,
            # `get_topic_display` rebuilds a hashable copy of every topic on each call: a row's worth of CPU.
            TOPIC_LABELS.get(obj.topic, obj.topic),
            " (PCN)" if obj.scope == "pcn" else "",
        )

    @admin.display(description="Urgent")
    def urgent_summary(self, obj: Enquiry) -> str:
        return f"Yes: first contact due {urgent_promise(obj.service.targets)}" if obj.urgent else "No"

    @admin.display(description="Support sessions and signposting")
    def support_display(self, obj: Enquiry) -> str:
        sessions = [f"{s.held_on:%a %-d %b %Y}" for s in obj.support_sessions.all()]
        signposts = [
            f"{r.signpost.name} ({timezone.localtime(r.recorded_at):%-d %b %Y})"
            for r in obj.signposts.select_related("signpost")
        ]
        parts = []
        if obj.service.for_person:
            parts.append(
                format_html(
                    "{} of {} sessions used{}",
                    len(sessions),
                    obj.session_allowance,
                    f": {'; '.join(sessions)}" if sessions else "",
                )
            )
        parts.append(format_html("Signposted to: {}", "; ".join(signposts) if signposts else "nobody yet"))
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))

    @admin.display(description="PCN")
    def pcn_display(self, obj: Enquiry) -> str:
        return obj.pcn.name if obj.pcn else "Not a PCN enquiry"

    @admin.display(description="Officer", ordering="assigned_to__first_name")
    def assigned_display(self, obj: Enquiry) -> str:
        name = officer_name(obj.assigned_to) or "Unassigned"
        if obj.status != Status.CLOSED and not getattr(obj, "has_unconflicted_officer", True):
            return format_cell_html(
                '{}<br><strong class="triage-warning">Warning: every officer has a conflict of interest '
                "with this practice or is not named on it</strong>",
                name,
            )
        return name

    @admin.display(description="First contact due", ordering="first_contact_due_at")
    def due_display(self, obj: Enquiry) -> str:
        if obj.first_contact_due_at is None:
            return "On hold"
        return f"{timezone.localtime(obj.first_contact_due_at):%a %-d %b %H:%M}"

    @admin.display(description="SLA and time left", ordering="triage_rank")
    def sla_badge(self, obj: Enquiry) -> str:
        state = SlaState(obj.sla_state)  # annotated in the database by the selector
        words = sla_in_words(
            state=state, due=obj.first_contact_due_at, first_contact_at=obj.first_contact_at, now=timezone.now()
        )
        return format_cell_html(
            '<span class="sla-badge sla-{}" data-sla-state="{}">{}</span> <span class="sla-words">{}</span>',
            state.value.replace("_", "-"),
            state.value,
            SLA_STATE_LABELS[state],
            words,
        )

    @admin.display(description="The whole story")
    def journey_history(self, obj: Enquiry) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (f"{timezone.localtime(entry.at):%d %b %Y %H:%M}", entry.kind, entry.who, linebreaksbr(entry.what))
                for entry in enquiry_story_for_staff(enquiry=obj)
            ),
        )
        return format_html(
            '<table class="journey-history"><caption>Status changes, assignments, notes, messages and reminders, '
            'newest first</caption><thead><tr><th scope="col">When</th><th scope="col">What</th>'
            '<th scope="col">Who</th><th scope="col">Details</th></tr></thead><tbody>{}</tbody></table>',
            rows,
        )

    def changelist_view(self, request, extra_context=None):
        # Django's "Select enquiry to change" reads as if the page were a picker.
        return super().changelist_view(request, {"title": "Enquiries: triage", **(extra_context or {})})

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
        form = step.form_class(request.POST if "apply" in request.POST else None, enquiries=enquiries)
        if not (form.is_bound and form.is_valid()):
            return self.step_page(request, step, form, enquiries, from_changelist=from_changelist)
        outcome = step_apply(step, enquiries=enquiries, data=form.cleaned_data, by=request.user)
        return self.step_response(request, step, form, enquiries, outcome, from_changelist=from_changelist)

    def step_response(
        self, request, step: Step, form, enquiries: list[Enquiry], outcome: StepOutcome, *, from_changelist: bool
    ):
        """Say what applying `step` did: on the form when its one enquiry was refused, else as messages."""
        if outcome.refused and not outcome.done and len(enquiries) == 1:
            for message in outcome.refused:
                form.add_error(None, message)  # show it on the form, keeping what was typed
            return self.step_page(request, step, form, enquiries, from_changelist=from_changelist)
        if outcome.done:
            self.message_user(request, f"{', '.join(outcome.done)}: {step.done}.", messages.SUCCESS)
        for message in outcome.refused:
            self.message_user(request, message, messages.ERROR)
        if from_changelist:
            return HttpResponseRedirect(request.get_full_path())
        return HttpResponseRedirect(reverse("admin:enquiries_enquiry_change", args=[enquiries[0].pk]))

    def step_page(self, request, step: Step, form, enquiries: list[Enquiry], *, from_changelist: bool):
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
                ),
                strict=True,
            ),
            "topic_rows": zip(figures["per_topic"]["labels"], figures["per_topic"]["counts"], strict=True),
        }
        return TemplateResponse(request, "admin/enquiries/enquiry/support_overview.html", context)

    def export_view(self, request):
        """Download the changelist as filtered and searched, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # A hand-edited filter: answer as the changelist does, not with a server error.
            return HttpResponseRedirect(reverse("admin:enquiries_enquiry_changelist") + "?e=1")
        self.log_export(request, changelist.queryset)
        with_details = request.user.has_perm("enquiries.export_enquiry_details")
        return enquiries_csv_response(changelist.queryset.iterator(chunk_size=500), with_details=with_details)
