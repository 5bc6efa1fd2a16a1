from django.urls import path

from . import views

app_name = "voice"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/thank-you/", views.survey_thanks, name="thanks"),
    path("feedback/<str:token>/", views.feedback_answer, name="feedback"),
]
