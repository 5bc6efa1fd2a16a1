"""The programme section of a person's subject access export (see privacy/personal_data.py).

Their bookings, training, development plans with goals, mentoring and
aspiring-manager groups; their cohort enrolments with attendance, and their
interest in leadership development. Other people appear only where the person already
sees them in the portal (their own reviewer and mentor); reviews and
mentoring they gave to others are listed by date, without the other person.
"""

from typing import Any

from members.models import User

from .models import (
    Attendance,
    Booking,
    Enrolment,
    Goal,
    LeadershipInterest,
    Mentoring,
    MentoringSession,
    PeerReview,
    Training,
)


def collect(user: User) -> dict[str, list[dict[str, Any]]]:
    bookings = Booking.objects.filter(user=user).select_related("session", "session__area").order_by("created_at")
    reviews = list(PeerReview.objects.filter(manager=user).select_related("reviewer").order_by("paired_at"))
    mentorings = list(Mentoring.objects.filter(mentee=user).select_related("mentor").order_by("started_on"))
    return {
        "programme_bookings": [
            {
                "session": b.session.title,
                "kind": b.session.get_kind_display(),
                "footprint": b.session.area.name,
                "starts": b.session.starts_at,
                "ends": b.session.ends_at,
                "status": b.get_status_display(),
                "booked": b.created_at,
                "confirmed": b.confirmed_at,
                "cancelled": b.cancelled_at,
                "attended": b.attended,
            }
            for b in bookings
        ],
        "programme_training": [
            {"training": t.get_kind_display(), "completed_on": t.completed_on}
            for t in Training.objects.filter(user=user).order_by("completed_on")
        ],
        "development_plans": [
            {
                "reviewer": r.reviewer.get_full_name() or r.reviewer.email,
                "paired": r.paired_at,
                "review_meeting": r.meeting_on,
                "meeting_notes": r.meeting_notes,
                "plan_agreed": r.plan_agreed_at,
            }
            for r in reviews
        ],
        "development_goals": [
            {
                "goal": g.what,
                "why": g.why,
                "target_date": g.target_date,
                "status": g.get_status_display(),
                "progress_notes": g.progress_notes,
                "updated": g.updated_at,
            }
            for g in Goal.objects.filter(review__in=reviews).order_by("review_id", "target_date", "pk")
        ],
        "mentoring": [
            {
                "mentor": m.mentor.get_full_name() or m.mentor.email,
                "started_on": m.started_on,
                "ended_on": m.ended_on,
            }
            for m in mentorings
        ],
        "mentoring_sessions": [
            {"held_on": s.held_on, "summary": s.summary}
            for s in MentoringSession.objects.filter(mentoring__in=mentorings).order_by("held_on", "pk")
        ],
        "peer_reviews_given": [
            {"paired": r.paired_at, "review_meeting": r.meeting_on, "plan_agreed": r.plan_agreed_at}
            for r in PeerReview.objects.filter(reviewer=user).order_by("paired_at")
        ],
        "cohort_enrolments": [
            {
                "programme": e.cohort.programme.name,
                "cohort": e.cohort.name,
                "footprint": e.cohort.area.name,
                "status": e.get_status_display(),
                "enrolled": e.created_at,
                "confirmed": e.confirmed_at,
                "cancelled": e.cancelled_at,
                "completed": e.completed_at,
            }
            for e in Enrolment.objects.filter(user=user).select_related("cohort__programme", "cohort__area").order_by("created_at")
        ],
        "cohort_attendance": [
            {"cohort": a.enrolment.cohort.name, "session": a.session.title, "starts": a.session.starts_at, "attended": a.attended}
            for a in Attendance.objects.filter(enrolment__user=user).select_related("enrolment__cohort", "session")
        ],
        "leadership_interest": [
            {
                "practice": i.practice.name,
                "taking_part": i.take_part,
                "co_facilitating": i.co_facilitate,
                "leading": i.lead,
                "name_shown_to_others_in_area": i.name_visible,
                "registered": i.created_at,
                "updated": i.updated_at,
            }
            for i in LeadershipInterest.objects.filter(user=user).select_related("practice")
        ],
        "aspiring_manager_groups": [
            {"group": g.name, "footprint": g.area.name} for g in user.aspiring_groups.select_related("area")
        ],
    }
