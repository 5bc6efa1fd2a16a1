"""Remittances in the admin, and the quarter view of expected against remitted, with its CSV export."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from ..forms import ReconciliationFilterForm
from ..models import LevyKind, Remittance
from ..money import format_pounds
from ..selectors import reconciliation_lines
from ..services import ReconciliationState, reconciliation_totals

VIEW_PERMISSION = "levies.view_remittance"
CSV_HEADER = [
    "Financial year", "Quarter", "Practice", "ODS code", "PCN", "Levy", "Registered patients",
    "Rate (pence per patient per year)", "Expected (£)", "Received (£)", "Difference (£)", "State", "Note",
]  # fmt: skip


@admin.register(Remittance)
class RemittanceAdmin(admin.ModelAdmin):
    list_display = ["practice", "financial_year", "quarter", "kind", "amount_display", "date_received", "reference"]
    list_filter = ["financial_year", "quarter", "kind", "practice__pcn"]
    search_fields = ["practice__name", "practice__ods_code", "reference"]
    list_select_related = ["practice"]
    autocomplete_fields = ["practice"]
    date_hierarchy = "date_received"
    fields = ["practice", "financial_year", "quarter", "kind", "amount", "date_received", "reference"]

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, obj: Remittance) -> str:
        return format_pounds(obj.amount)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("reconciliation/", wrap(self.reconciliation_view), name="levies_reconciliation"),
            path("reconciliation/export/", wrap(self.reconciliation_csv_view), name="levies_reconciliation_csv"),
        ] + super().get_urls()

    def _filtered(self, request):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        form = ReconciliationFilterForm(request.GET or None)
        period = form.selected_period
        cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
        lines = reconciliation_lines(
            quarters=period.quarters, pcn=cleaned.get("pcn"), kind=cleaned.get("kind", ""), state=cleaned.get("state", "")
        )
        if not form.is_bound:
            form = ReconciliationFilterForm(initial={"quarter": period.quarters[0].start.isoformat()})
        return form, period, lines

    def reconciliation_view(self, request):
        form, period, lines = self._filtered(request)
        totals_by_kind = [
            (LevyKind(kind).label, reconciliation_totals(line for line in lines if line.expected.kind == kind))
            for kind in LevyKind.values
        ]
        problems = sorted({line.expected.problem for line in lines if line.expected.problem})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Levies expected and received: {period.label}",
            "form": form,
            "period": period,
            "lines": lines,
            "totals": reconciliation_totals(lines),
            "totals_by_kind": totals_by_kind,
            "states": ReconciliationState,
            "problems": problems,
            "query": request.GET.urlencode(),
        }
        return TemplateResponse(request, "admin/levies/remittance/reconciliation.html", context)

    def reconciliation_csv_view(self, request):
        _form, period, lines = self._filtered(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="levies-{period.file_label}.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_HEADER)
        for line in lines:
            expected = line.expected
            writer.writerow(
                [
                    expected.quarter.financial_year,
                    f"Q{expected.quarter.number}",
                    _safe(expected.practice.name),
                    expected.practice.ods_code,
                    _safe(expected.practice.pcn.name if expected.practice.pcn else ""),
                    expected.kind_label,
                    "" if expected.patients is None else expected.patients,
                    "" if expected.pence_per_patient is None else expected.pence_per_patient,
                    "" if expected.amount is None else expected.amount,
                    "" if line.received is None else line.received,
                    "" if line.difference is None else line.difference,
                    line.state_label,
                    "Opted out of GPDF" if expected.opted_out else expected.problem,
                ]
            )
        return response


def _safe(text: str) -> str:
    """Stop a spreadsheet treating a name that starts with =, +, - or @ as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
