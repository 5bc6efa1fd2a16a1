from django.contrib import admin

from ..models import LevyRate, Remittance


@admin.register(LevyRate)
class LevyRateAdmin(admin.ModelAdmin):
    list_display = ["financial_year", "kind", "pence_per_patient", "date_approved", "note"]
    list_filter = ["financial_year", "kind"]
    ordering = ["-financial_year", "kind"]
    search_fields = ["financial_year", "note"]
    readonly_fields = ["deletion"]

    def has_delete_permission(self, request, obj=None):
        # Remittances for that year and levy were reconciled against this rate: keep it (correct it instead).
        if obj is not None and Remittance.objects.filter(financial_year=obj.financial_year, kind=obj.kind).exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="deleting")
    def deletion(self, obj):
        if obj and obj.pk and not self.has_delete_permission(None, obj):
            return (
                "Remittances for this year and levy are reconciled against this rate, so it cannot be deleted. "
                "If the rate is wrong, correct it here."
            )
        return "A rate with no remittances recorded against it can be deleted."
