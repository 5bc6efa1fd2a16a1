from django.contrib import admin

from ..models import LevyRate


@admin.register(LevyRate)
class LevyRateAdmin(admin.ModelAdmin):
    list_display = ["financial_year", "kind", "pence_per_patient", "date_approved", "note"]
    list_filter = ["financial_year", "kind"]
    ordering = ["-financial_year", "kind"]
    search_fields = ["financial_year", "note"]
