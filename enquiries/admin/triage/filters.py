"""The triage dashboard's filters: SLA state, the practice's PCN, who it is assigned to."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from ...sla import SLA_STATE_LABELS, SlaState, sla_state_q

__all__ = ["SlaStateFilter", "PracticePCNFilter", "AssignedFilter"]


class SlaStateFilter(admin.SimpleListFilter):
    title = "SLA state"
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [(state.value, SLA_STATE_LABELS[state]) for state in SlaState]

    def queryset(self, request, queryset):
        # The state's plain predicates (`sla_state_q`, the rule's database twin),
        # not the CASE annotation: an index on the due moment can serve them.
        if self.value() not in {state.value for state in SlaState}:
            return queryset
        now = getattr(request, "triage_now", None) or timezone.now()
        return queryset.filter(sla_state_q(self.value(), now=now))


class PracticePCNFilter(admin.ListFilter):
    """The PCN of the enquiring practice, found by a search box (its name or ODS code).

    There are over a thousand PCNs: listing each as a link cost a quarter of
    the page. `practice__pcn__id__exact` is still understood, for links.
    """

    title = "PCN"
    template = "admin/enquiries/enquiry/pcn_filter.html"
    parameter_name = "practice_pcn"
    id_parameter_name = "practice__pcn__id__exact"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.used = {}
        for name in (self.parameter_name, self.id_parameter_name):
            if name in params:
                value = params.pop(name)
                self.used[name] = (value[-1] if isinstance(value, list) else value).strip()
        self.search = self.used.get(self.parameter_name, "")

    def has_output(self) -> bool:
        return True

    def expected_parameters(self):
        return [self.parameter_name, self.id_parameter_name]

    def choices(self, changelist):
        # One "choice": the search box, with the other parameters kept as hidden fields.
        yield {
            "search": self.search,
            "parameter_name": self.parameter_name,
            "clear_url": changelist.get_query_string(remove=self.expected_parameters()),
            "hidden": [
                (key, value)
                for key, values in changelist.filter_params.items()
                if key not in self.expected_parameters() and key != "p"
                for value in values
            ],
            "selected": bool(self.used),
        }

    def queryset(self, request, queryset):
        pcn_id = self.used.get(self.id_parameter_name)
        if pcn_id:
            if not pcn_id.isdigit():
                raise admin.options.IncorrectLookupParameters("Not a PCN")
            queryset = queryset.filter(practice__pcn_id=int(pcn_id))
        if self.search:
            queryset = queryset.filter(
                Q(practice__pcn__code__iexact=self.search) | Q(practice__pcn__name__icontains=self.search)
            )
        return queryset


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
