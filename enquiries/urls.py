from django.urls import path, re_path

from . import views

app_name = "enquiries"

REFERENCE = r"(?P<reference>LMS-\d{4}-\d{5})"

urlpatterns = [
    path("", views.enquiry_list, name="list"),
    path("new/", views.enquiry_submit_view, name="submit"),
    path("new/due-time/", views.due_preview, name="due_preview"),
    re_path(rf"^{REFERENCE}/$", views.enquiry_detail, name="detail"),
    re_path(rf"^{REFERENCE}/sent/$", views.enquiry_submitted, name="submitted"),
]
