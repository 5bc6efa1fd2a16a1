from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("account/", views.account, name="account"),
    path("staff/two-factor-required/", views.staff_mfa_required, name="staff_mfa_required"),
    path("invitation/<uidb64>/<token>/", views.accept_invitation, name="accept_invitation"),
]
