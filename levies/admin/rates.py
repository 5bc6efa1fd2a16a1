from datetime import date

from django.contrib import admin

from ..models import LevyRate, ListSize, Remittance


def _rate_is_relied_on(rate: LevyRate) -> bool:
    """Remittances for that year and levy, or list sizes for that financial year, are worked out with it."""
    first_year = int(rate.financial_year[:4])
    return (
        Remittance.objects.filter(financial_year=rate.financial_year, kind=rate.kind).exists()
        or ListSize.objects.filter(quarter_start__gte=date(first_year, 4, 1), quarter_start__lt=date(first_year + 1, 4, 1)).exists()
    )


@admin.register(LevyRate)
class LevyRateAdmin(admin.ModelAdmin):
    list_display = ["financial_year", "kind", "pence_per_patient", "date_approved", "note"]
    list_filter = ["financial_year", "kind"]
    ordering = ["-financial_year", "kind"]
    search_fields = ["financial_year", "note"]
    readonly_fields = ["deletion"]

    def has_delete_permission(self, request, obj=None):
        # Remittances or list sizes for that year were reconciled against this rate: keep it (correct it instead).
        if obj is not None and _rate_is_relied_on(obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="can it be deleted?")
    def deletion(self, obj):
        if obj and obj.pk and not self.has_delete_permission(None, obj):
            return (
                "List sizes or remittances for this year are reconciled against this rate, so it cannot be deleted. "
                "If the rate is wrong, correct it here."
            )
        return "A rate with no list sizes or remittances recorded for its year can be deleted."
