"""Members' Programme pages. Every object is fetched through a selector scoped
to the logged-in person, so anyone else's booking or plan is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from members.access import member_required

from . import selectors, services
from .forms import GoalForm, MentoringSessionForm, ReviewMeetingForm
from .ics import booking_ics
from .models import Booking, Goal


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "l j F Y \\a\\t H:i")


@member_required
def session_list(request):
    user = request.user
    now = timezone.now()
    bookings = list(selectors.upcoming_bookings_for_member(user=user, now=now))
    reviews = list(selectors.reviews_for_member(user=user))
    sessions = list(selectors.sessions_for_member(user=user, now=now))
    areas = sorted({session.area for session in sessions}, key=lambda area: area.name)
    chosen_area = request.GET.get("footprint", "")
    if chosen_area:
        sessions = [session for session in sessions if str(session.area_id) == chosen_area]
    context = {
        "now": now,
        "sessions": sessions,
        "areas": areas,
        "chosen_area": chosen_area,
        "bookings": bookings,
        "booked_session_ids": {booking.session_id: booking for booking in bookings},
        "my_reviews": [review for review in reviews if review.manager_id == user.pk],
        "reviews_as_reviewer": [review for review in reviews if review.reviewer_id == user.pk],
        "mentorings": selectors.mentorings_for_member(user=user),
        "groups": selectors.groups_for_member(user=user, now=now),
    }
    return render(request, "programmes/session_list.html", context)


@require_POST
@member_required
def session_book(request, pk):
    session = get_object_or_404(selectors.sessions_for_member(user=request.user), pk=pk)
    try:
        booking = services.session_book(session=session, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:session_list")
    if booking.status == Booking.Status.CONFIRMED:
        messages.success(
            request,
            f"You are booked on “{session.title}” on {_when(session.starts_at)}. "
            "We have emailed you a confirmation with a calendar file, and we will remind you the day before.",
        )
    else:
        position = selectors.waitlist_position(booking=booking)
        messages.success(
            request,
            f"“{session.title}” is full, so you are on the waiting list at number {position}. "
            "If a place comes up it is yours automatically and we will email you.",
        )
    return redirect("programmes:session_list")


@require_POST
@member_required
def booking_cancel(request, pk):
    booking = get_object_or_404(
        selectors.bookings_for_member(user=request.user).filter(status__in=Booking.ACTIVE), pk=pk
    )
    was_confirmed = booking.status == Booking.Status.CONFIRMED
    try:
        services.booking_cancel(booking=booking)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:session_list")
    if was_confirmed:
        messages.success(
            request,
            f"Your place on “{booking.session.title}” is cancelled. We have emailed you to confirm, "
            "and the place goes to the next person on the waiting list.",
        )
    else:
        messages.success(request, f"You have left the waiting list for “{booking.session.title}”.")
    return redirect("programmes:session_list")


@member_required
def booking_calendar(request, pk):
    booking = get_object_or_404(selectors.bookings_for_member(user=request.user), pk=pk)
    cancelled = booking.status == Booking.Status.CANCELLED
    response = HttpResponse(booking_ics(booking=booking, cancelled=cancelled), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programme-session-{booking.session_id}.ics"'
    return response


# --- Peer review and development plan ----------------------------------------------


def _review_for(request, pk, *, as_manager=False, as_reviewer=False):
    reviews = selectors.reviews_for_member(user=request.user)
    if as_manager:
        reviews = reviews.filter(manager=request.user)
    if as_reviewer:
        reviews = reviews.filter(reviewer=request.user)
    return get_object_or_404(reviews, pk=pk)


@member_required
def plan_detail(request, pk):
    review = _review_for(request, pk)
    return render(
        request,
        "programmes/plan_detail.html",
        {
            "review": review,
            "goals": review.goals.all(),
            "is_manager": review.manager_id == request.user.pk,
            "is_reviewer": review.reviewer_id == request.user.pk,
        },
    )


def _goal_form(request, review, goal):
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_save(goal=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "Your goal is saved. Your peer reviewer will see it and can agree your updated plan.",
            )
            return redirect("programmes:plan_detail", pk=review.pk)
    return render(request, "programmes/goal_form.html", {"form": form, "review": review, "goal": goal})


@member_required
def goal_add(request, pk):
    review = _review_for(request, pk, as_manager=True)
    return _goal_form(request, review, Goal(review=review))


@member_required
def goal_edit(request, pk):
    goal = get_object_or_404(Goal.objects.filter(review__manager=request.user).select_related("review"), pk=pk)
    return _goal_form(request, goal.review, goal)


@member_required
def review_meeting_record(request, pk):
    review = _review_for(request, pk, as_reviewer=True)
    form = ReviewMeetingForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        services.peer_review_record_meeting(
            review=review, meeting_on=form.cleaned_data["meeting_on"], meeting_notes=form.cleaned_data["meeting_notes"]
        )
        messages.success(request, "The review meeting is recorded. The manager can now see your notes.")
        return redirect("programmes:plan_detail", pk=review.pk)
    return render(request, "programmes/review_meeting.html", {"form": form, "review": review})


@require_POST
@member_required
def plan_agree(request, pk):
    review = _review_for(request, pk, as_reviewer=True)
    try:
        services.development_plan_agree(review=review, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You have agreed {review.manager}'s development plan. They can see this now.")
    return redirect("programmes:plan_detail", pk=review.pk)




# --- Coaching and mentoring ------------------------------------------------------------


@member_required
def mentoring_session_add(request, pk):
    mentoring = get_object_or_404(selectors.mentorings_for_member(user=request.user).filter(mentor=request.user), pk=pk)
    form = MentoringSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.mentoring_session_record(mentoring=mentoring, **form.cleaned_data)
        messages.success(request, f"The session is recorded. {mentoring.mentee} can see it on their Programme page.")
        return redirect("programmes:session_list")
    return render(request, "programmes/mentoring_session_form.html", {"form": form, "mentoring": mentoring})
