from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("sessions/<int:pk>/book/", views.session_book, name="session_book"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/calendar.ics", views.booking_calendar, name="booking_calendar"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/goals/add/", views.goal_add, name="goal_add"),
    path("plans/<int:pk>/meeting/", views.review_meeting_record, name="review_meeting_record"),
    path("plans/<int:pk>/agree/", views.plan_agree, name="plan_agree"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("mentoring/<int:pk>/sessions/add/", views.mentoring_session_add, name="mentoring_session_add"),
]
