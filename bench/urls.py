"""URLs for the bench settings: the whole portal, plus the bench-only pages."""

from django.contrib import admin
from django.urls import include, path

from enquiries.models import Enquiry
from lmcportal.urls import urlpatterns as portal_urlpatterns

from . import views

# Django's admin with no customisation at all: the floor the triage admin's
# changelist is measured against, beside the bare view.
default_admin = admin.AdminSite(name="bench_default_admin")


class StockEnquiryAdmin(admin.ModelAdmin):
    # Django's own template, even when an app overrides the enquiry changelist's.
    change_list_template = "admin/change_list.html"


default_admin.register(Enquiry, StockEnquiryAdmin)

bench_patterns = (
    [
        path("bare/enquiries/", views.bare_enquiry_list, name="bare_list"),
        path("bare/my-enquiries/", views.bare_member_enquiry_list, name="bare_member_list"),
    ],
    "bench",
)

urlpatterns = [
    path("bench/", include(bench_patterns)),
    path("bench/default-admin/", default_admin.urls),
    *portal_urlpatterns,
]
