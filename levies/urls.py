from django.urls import path

from . import views

app_name = "levies"

urlpatterns = [
    path("", views.index, name="index"),
]
