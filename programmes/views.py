"""Members' Programme pages. Every object is fetched through a selector scoped
to the logged-in person, so anyone else's booking or plan is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from members.access import member_required

from . import selectors, services
from .forms import GoalForm, LeadershipInterestForm, MentoringSessionForm, ReviewMeetingForm
from .ics import booking_ics, enrolment_ics
from .models import Booking, Enrolment, Goal


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


# --- Leadership development -------------------------------------------------------------


@member_required
def leadership_index(request):
    user = request.user
    now = timezone.now()
    hubs = selectors.training_hubs_for_member(user=user)
    enrolments = list(selectors.enrolments_for_member(user=user).exclude(status=Enrolment.Status.CANCELLED))
    enrolled_cohort_ids = {enrolment.cohort_id for enrolment in enrolments}
    roles = selectors.roles_for_user(user=user)
    interest = selectors.interest_for_member(user=user)
    context = {
        "now": now,
        "hubs": [(hub, selectors.hub_email_for_member(user=user, hub=hub)) for hub in hubs],
        "areas": selectors.areas_for_member(user=user),
        "cohorts": [c for c in selectors.cohorts_for_member(user=user, now=now) if c.pk not in enrolled_cohort_ids],
        "enrolments": enrolments,
        "sessions": list(
            selectors.sessions_for_member(user=user, now=now).filter(booking_closes_at__gt=now)[:6]
        ),
        "is_gp": bool(roles & {"gp_partner", "salaried_gp", "gp_trainee"}),
        "interest": interest,
        "allies": selectors.allies_for_member(user=user),
    }
    return render(request, "programmes/leadership.html", context)


@require_POST
@member_required
def cohort_enrol(request, pk):
    cohort = selectors.cohort_get_for_member(user=request.user, pk=pk)
    if cohort is None:
        raise Http404
    try:
        enrolment = services.cohort_enrol(cohort=cohort, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:leadership_index")
    if enrolment.status == Enrolment.Status.CONFIRMED:
        messages.success(
            request,
            f"You are enrolled in “{cohort.name}”. We have emailed you a confirmation with every session in a "
            "calendar file, and we will remind you the day before each session.",
        )
    else:
        position = selectors.enrolment_waitlist_position(enrolment=enrolment)
        messages.success(
            request,
            f"“{cohort.name}” is full, so you are on the waiting list at number {position}. "
            "If a place comes up it is yours automatically and we will email you.",
        )
    return redirect("programmes:leadership_index")


@require_POST
@member_required
def enrolment_cancel(request, pk):
    enrolment = get_object_or_404(
        selectors.enrolments_for_member(user=request.user).filter(status__in=Enrolment.ACTIVE), pk=pk
    )
    was_confirmed = enrolment.status == Enrolment.Status.CONFIRMED
    try:
        services.enrolment_cancel(enrolment=enrolment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:leadership_index")
    if was_confirmed:
        messages.success(
            request,
            f"Your place on “{enrolment.cohort.name}” is cancelled. We have emailed you to confirm, "
            "and the place goes to the next person on the waiting list.",
        )
    else:
        messages.success(request, f"You have left the waiting list for “{enrolment.cohort.name}”.")
    return redirect("programmes:leadership_index")


@member_required
def enrolment_calendar(request, pk):
    enrolment = get_object_or_404(selectors.enrolments_for_member(user=request.user), pk=pk)
    cancelled = enrolment.status == Enrolment.Status.CANCELLED
    response = HttpResponse(
        enrolment_ics(enrolment=enrolment, cancelled=cancelled), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="cohort-{enrolment.cohort_id}-sessions.ics"'
    return response


@member_required
def interest_edit(request):
    user = request.user
    interest = selectors.interest_for_member(user=user)
    practices = selectors.practices_for_interest(user=user)
    initial = {}
    if interest:
        initial = {
            "practice": interest.practice_id,
            "take_part": interest.take_part,
            "co_facilitate": interest.co_facilitate,
            "lead": interest.lead,
            "name_visible": interest.name_visible,
        }
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        if practices.count() == 1 and not data.get("practice"):
            data["practice"] = str(practices.first().pk)  # one practice: nothing to choose
    form = LeadershipInterestForm(data, initial=initial, practices=practices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.leadership_interest_save(
                user=user,
                practice_id=data["practice"].pk,
                take_part=data["take_part"],
                co_facilitate=data["co_facilitate"],
                lead=data["lead"],
                name_visible=data["name_visible"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            shown = (
                "Others in your area who chose to show their name can now see yours and your practice."
                if saved.name_visible
                else "Your name is not shown to other members. LMC staff can see your interest and may introduce you."
            )
            messages.success(request, f"Your interest is saved. {shown}")
            return redirect("programmes:leadership_index")
    return render(
        request, "programmes/interest_form.html", {"form": form, "interest": interest, "single_practice": practices.count() == 1}
    )


@member_required
@require_POST
def interest_withdraw(request):
    if services.leadership_interest_withdraw(user=request.user):
        messages.success(request, "Your interest is withdrawn. Nobody sees it any more, including other members.")
    return redirect("programmes:leadership_index")
