"""Remittances in the admin, and the quarter view of expected against remitted, with its CSV export."""

import secrets
from datetime import date
from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_POST

from lmcportal import csv

from .. import services
from ..forms import ReconciliationFilterForm, RemittanceUploadForm
from ..models import LevyKind, Remittance
from ..money import format_pounds
from ..remittance_csv import RemittanceRow
from ..selectors import ReconciliationState, reconciliation_lines, reconciliation_totals

SESSION_KEY = "levies_remittance_import"

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
            path("import/", wrap(self.import_view), name="levies_remittance_import"),
            path("import/confirm/", wrap(require_POST(self.import_confirm_view)), name="levies_remittance_import_confirm"),
        ] + super().get_urls()

    def _require_add_permission(self, request) -> None:
        if not self.has_add_permission(request):
            raise PermissionDenied

    def import_view(self, request):
        """Upload a remittances CSV and see what it would record; the rows wait in the session for confirmation."""
        self._require_add_permission(request)
        form = RemittanceUploadForm(request.POST or None, request.FILES or None)
        preview = None
        if request.method == "POST" and form.is_valid():
            parsed = form.cleaned_data["parsed"]
            preview = services.remittance_import_preview(
                rows=parsed.rows, bad_rows=[(bad.line, bad.reason) for bad in parsed.bad_rows]
            )
            request.session.pop(SESSION_KEY, None)
            if preview.can_confirm:
                # Kept on the server (the session), so what is confirmed is exactly what was previewed.
                request.session[SESSION_KEY] = {"token": secrets.token_urlsafe(16), "rows": [_stored(r) for r in preview.new]}
            form = RemittanceUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import remittances",
            "form": form,
            "preview": preview,
            "token": request.session.get(SESSION_KEY, {}).get("token") if preview else "",
        }
        return TemplateResponse(request, "admin/levies/remittance/import.html", context)

    def import_confirm_view(self, request):
        self._require_add_permission(request)
        staged = request.session.get(SESSION_KEY) or {}
        if not staged or not secrets.compare_digest(staged.get("token", ""), request.POST.get("token", "")):
            messages.error(request, "That preview has expired, so nothing was recorded. Upload the file again.")
            return redirect("admin:levies_remittance_import")
        try:
            count = services.remittance_import_apply(rows=[_loaded(row) for row in staged["rows"]])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("admin:levies_remittance_import")
        del request.session[SESSION_KEY]
        messages.success(request, f"Recorded {count} {'remittance' if count == 1 else 'remittances'}. The quarter view now includes them.")
        return redirect("admin:levies_remittance_changelist")

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
                    expected.practice.name,
                    expected.practice.ods_code,
                    expected.practice.pcn.name if expected.practice.pcn else "",
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


def _stored(row: RemittanceRow) -> list:
    return [row.line, row.ods_code, row.financial_year, row.quarter, row.kind, str(row.amount),
            row.date_received.isoformat(), row.reference]  # fmt: skip


def _loaded(values: list) -> RemittanceRow:
    line, code, year, quarter, kind, amount, received, reference = values
    return RemittanceRow(line, code, year, quarter, kind, Decimal(amount), date.fromisoformat(received), reference)
