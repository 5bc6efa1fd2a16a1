from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.personal_data_overview, name="your_data"),
    path("download/", views.personal_data_download, name="your_data_download"),
]
