"""The triage dashboard's filters: SLA state, the practice's PCN, who it is assigned to."""

from django.contrib import admin

from ...sla import SLA_STATE_LABELS, SlaState

__all__ = ["SlaStateFilter", "PracticePCNFilter", "AssignedFilter"]


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
