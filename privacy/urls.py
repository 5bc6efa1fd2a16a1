from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.personal_data_overview, name="personal_data_overview"),
    path("download/", views.personal_data_download, name="personal_data_download"),
]
