from django.urls import path, re_path

from . import views

app_name = "enquiries"

REFERENCE = r"(?P<reference>[A-Z]{2,4}-\d{4}-\d{5})"

urlpatterns = [
    path("", views.enquiry_list, name="list"),
    path("new/", views.enquiry_submit_view, name="submit"),
    path("new/due-time/", views.due_preview, name="due_preview"),
    path("new/draft/", views.enquiry_draft_save_view, name="draft_save"),
    path("new/<slug:slug>/", views.enquiry_submit_view, name="submit_service"),
    re_path(rf"^{REFERENCE}/$", views.enquiry_detail, name="detail"),
    re_path(rf"^{REFERENCE}/sent/$", views.enquiry_submitted, name="submitted"),
    re_path(rf"^{REFERENCE}/messages/$", views.enquiry_message_send_view, name="message_send"),
    re_path(rf"^{REFERENCE}/files/(?P<file_id>\d+)/$", views.enquiry_file_download, name="file_download"),
    re_path(rf"^{REFERENCE}/chase/$", views.enquiry_chase_view, name="chase"),
    re_path(rf"^{REFERENCE}/sharing/$", views.enquiry_sharing_view, name="sharing"),
]
