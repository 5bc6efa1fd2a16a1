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
    # Leadership development: Training Hub, cohorts, interests
    path("leadership/", views.leadership_index, name="leadership_index"),
    path("leadership/cohorts/<int:pk>/enrol/", views.cohort_enrol, name="cohort_enrol"),
    path("leadership/enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("leadership/enrolments/<int:pk>/calendar.ics", views.enrolment_calendar, name="enrolment_calendar"),
    path("leadership/interest/", views.interest_edit, name="interest_edit"),
    path("leadership/interest/withdraw/", views.interest_withdraw, name="interest_withdraw"),
]
