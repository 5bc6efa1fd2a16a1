"""The members' support pages: the services and the signposting directory (mounted at /support/)."""

from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.support_services, name="services"),
    path("signposting/", views.signposting, name="signposting"),
]
