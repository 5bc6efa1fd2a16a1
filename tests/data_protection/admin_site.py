"""A test-only admin site with a minimal Enquiry admin wired like the triage admin will be.

It proves the data-protection mixins on their own; the real triage admin
uses the same mixin, so these tests move there unchanged once it is wired.
"""

import csv

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from simple_history.admin import SimpleHistoryAdmin

from enquiries.admin.data_protection import EnquiryDataProtectionAdminMixin
from enquiries.models import Enquiry

site = admin.AdminSite(name="dp_test_admin")


class EnquiryTestAdmin(EnquiryDataProtectionAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "summary", "practice", "is_restricted"]
    search_fields = ["reference", "summary", "details", "practice__name"]
    actions = ["export_csv"]

    @admin.action(description="Export selected enquiries as CSV")
    def export_csv(self, request, queryset):
        self.log_export(request, queryset)
        response = HttpResponse(content_type="text/csv")
        writer = csv.writer(response)
        writer.writerow(["reference", "summary"])
        writer.writerows(queryset.values_list("reference", "summary"))
        return response


site.register(Enquiry, EnquiryTestAdmin)

urlpatterns = [
    path("dp-admin/", site.urls),
    path("", include("lmcportal.urls")),
]
