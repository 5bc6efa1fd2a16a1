"""Business rules of the programmes: drop-in sessions and bookings, cohorts and
enrolments, attendance and completion, training, peer review, mentoring, and
members' interest in leadership development."""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from mail.services import email_queue
from members.models import User

from .ics import booking_ics_attachment, enrolment_ics_attachment
from .models import (
    Attendance,
    Booking,
    Cohort,
    CohortSession,
    Enrolment,
    Goal,
    LeadershipInterest,
    Mentoring,
    MentoringSession,
    PeerReview,
    Session,
    Training,
)
from .selectors import (
    enrolment_waitlist_position,
    practices_for_interest,
    user_may_book,
    user_may_enrol,
    waitlist_position,
)

EMAIL = "programmes/email/"


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "l j F Y, H:i")


# --- Booking -------------------------------------------------------------------


def session_book(*, session: Session, user: User) -> Booking:
    """Book `user` on `session`: a confirmed place while places remain, else the waiting list.

    The session row is locked while the places are counted, so two people
    booking the last place at once cannot both get it.
    """
    now = timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("area").get(pk=session.pk)
        if now >= session.booking_closes_at:
            raise ValidationError(
                f"Booking for “{session.title}” closed on {_when(session.booking_closes_at)}. "
                "If you still want to come, please email the programme team."
            )
        if not user_may_book(user=user, session=session):
            raise ValidationError(
                f"“{session.title}” is for {session.get_audience_display().lower()}, "
                "so you cannot book it. Your practice role is set by your practice's portal contact."
            )
        if Booking.objects.filter(session=session, user=user, status__in=Booking.ACTIVE).exists():
            raise ValidationError(f"You have already booked “{session.title}”. Your booking is shown on this page.")
        has_place = _has_place(Booking.objects.filter(session=session), capacity=session.capacity)
        booking = Booking(
            session=session,
            user=user,
            status=Booking.Status.CONFIRMED if has_place else Booking.Status.WAITLISTED,
            confirmed_at=now if has_place else None,
        )
        booking.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError:  # the partial unique constraint: a double click raced us
            raise ValidationError(f"You have already booked “{session.title}”.") from None
        if has_place:
            _email_confirmed(booking, promoted=False)
        else:
            email_queue(
                to=[user.email],
                template=EMAIL + "booking_waitlisted",
                context={"booking": booking, "session": session, "position": waitlist_position(booking=booking)},
            )
    return booking


def booking_cancel(*, booking: Booking) -> None:
    """Cancel `booking`; a confirmed place goes to the first person on the waiting list, who is emailed."""
    now = timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("area").get(pk=booking.session_id)
        booking = Booking.objects.select_for_update().select_related("user").get(pk=booking.pk)
        booking.session = session
        if booking.status == Booking.Status.CANCELLED:
            raise ValidationError("This booking is already cancelled.")
        if now > session.cancellation_until:
            raise ValidationError(
                f"You can no longer cancel online: the cut-off was {_when(session.cancellation_until)}. "
                "If you cannot come, please email the programme team so they can offer your place."
            )
        was_confirmed = booking.status == Booking.Status.CONFIRMED
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.ics_sequence += 1
        booking.save(update_fields=["status", "cancelled_at", "ics_sequence"])
        email_queue(
            to=[booking.user.email],
            template=EMAIL + "booking_cancelled",
            context={"booking": booking, "session": session, "was_confirmed": was_confirmed},
            attachments=[booking_ics_attachment(booking=booking, cancelled=True)] if was_confirmed else [],
        )
        if was_confirmed:
            _promote_waiting(session=session, now=now)


def session_fill_from_waiting_list(*, session: Session) -> int:
    """Confirm waiting-list bookings into any free places (after staff add places); return how many."""
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("area").get(pk=session.pk)
        return _promote_waiting(session=session, now=timezone.now())


def _promote_waiting(*, session: Session, now) -> int:
    """Confirm people from the waiting list, in arrival order, while places are free; return how many."""
    waiting = _first_waiting(Booking.objects.filter(session=session), capacity=session.capacity)
    for booking in waiting:
        booking.session = session
        _confirm(booking, now=now)
        _email_confirmed(booking, promoted=True)
    return len(waiting)


# The place rules shared by session bookings and cohort enrolments: a place is
# confirmed while confirmed places < capacity, otherwise the person waits, and
# freed places go to the waiting list in arrival order. Callers hold the row
# lock on the session or cohort.


def _has_place(places, *, capacity: int) -> bool:
    return places.filter(status=Booking.Status.CONFIRMED).count() < capacity


def _first_waiting(places, *, capacity: int) -> list:
    free = capacity - places.filter(status=Booking.Status.CONFIRMED).count()
    if free <= 0:
        return []
    return list(
        places.select_for_update()
        .select_related("user")
        .filter(status=Booking.Status.WAITLISTED)
        .order_by("created_at", "pk")[:free]
    )


def _confirm(place, *, now: datetime) -> None:
    place.status = Booking.Status.CONFIRMED
    place.confirmed_at = now
    place.ics_sequence += 1
    place.save(update_fields=["status", "confirmed_at", "ics_sequence"])


def _email_confirmed(booking: Booking, *, promoted: bool) -> None:
    email_queue(
        to=[booking.user.email],
        template=EMAIL + "booking_confirmed",
        context={"booking": booking, "session": booking.session, "promoted": promoted},
        attachments=[booking_ics_attachment(booking=booking)],
    )


def booking_remind(*, booking_id: int) -> bool:
    """Queue the day-before reminder for one confirmed booking, once. Return True if queued now.

    The claim (`reminded_at`) and the outbox row are written in one
    transaction, and the outbox key makes a second queue a no-op.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = Booking.objects.filter(
            pk=booking_id, status=Booking.Status.CONFIRMED, reminded_at__isnull=True, session__starts_at__gt=now
        ).update(reminded_at=now)
        if not claimed:
            return False
        booking = Booking.objects.select_related("session", "session__area", "user").get(pk=booking_id)
        email_queue(
            to=[booking.user.email],
            template=EMAIL + "session_reminder",
            context={"booking": booking, "session": booking.session},
            attachments=[booking_ics_attachment(booking=booking)],
            dedupe_key=f"programmes-reminder-{booking.pk}",
        )
    return True


# --- Attendance and training -----------------------------------------------------


def attendance_record(*, bookings: Iterable[Booking], attended: bool) -> int:
    """Record whether confirmed bookings' holders attended; return how many were recorded.

    Attending a training day makes the person a trained peer reviewer or
    trained mentor from the session's date. Attendance is recorded only once
    a session has started: for a session still to come, nothing is recorded.
    """
    bookings = list(bookings)
    _refuse_future_sessions([booking.session for booking in bookings])
    count = 0
    with transaction.atomic():
        for booking in bookings:
            if booking.status != Booking.Status.CONFIRMED:
                continue
            Booking.objects.filter(pk=booking.pk).update(attended=attended)
            count += 1
            kind = booking.session.training_kind
            if kind is None:
                continue
            if attended:
                Training.objects.get_or_create(
                    user_id=booking.user_id,
                    kind=kind,
                    defaults={"completed_on": timezone.localdate(booking.session.starts_at), "session": booking.session},
                )
            else:
                Training.objects.filter(user_id=booking.user_id, kind=kind, session=booking.session).delete()
    return count


NOT_STARTED = (
    "“{title}” has not started yet (it starts {when}), so attendance cannot be recorded. "
    "Record it on the day, once the session has begun."
)


def _refuse_future_sessions(sessions: Iterable[Session | CohortSession]) -> None:
    now = timezone.now()
    future = sorted({session for session in sessions if session.starts_at > now}, key=lambda s: s.starts_at)
    if future:
        raise ValidationError([NOT_STARTED.format(title=s.title, when=_when(s.starts_at)) for s in future])


# --- Peer review and development plans -------------------------------------------


def peer_review_pair(*, manager: User, reviewer: User) -> PeerReview:
    """Pair `manager` with a trained peer reviewer; refuse anyone who has not done the training."""
    review = PeerReview(manager=manager, reviewer=reviewer)
    review.full_clean()
    review.save()
    return review


def peer_review_record_meeting(*, review: PeerReview, meeting_on: date, meeting_notes: str) -> PeerReview:
    """Record the review meeting (done by the reviewer)."""
    review.meeting_on = meeting_on
    review.meeting_notes = meeting_notes
    review.full_clean()
    review.save(update_fields=["meeting_on", "meeting_notes"])
    return review


def development_plan_agree(*, review: PeerReview, user: User) -> PeerReview:
    """Record that the reviewer agrees the manager's development plan as it stands."""
    if user.pk != review.reviewer_id:
        raise ValidationError("Only the manager's peer reviewer can agree their development plan.")
    if not review.goals.exists():
        raise ValidationError("There are no goals to agree yet. The manager adds them first.")
    review.plan_agreed_at = timezone.now()
    review.save(update_fields=["plan_agreed_at"])
    return review


def goal_save(*, goal: Goal) -> Goal:
    """Add or change a goal in a development plan; the reviewer then needs to agree the plan again.

    A new goal cannot aim at a date already past (an existing one may become overdue, and is kept).
    """
    if goal.pk is None and goal.target_date and goal.target_date < timezone.localdate():
        raise ValidationError({"target_date": "Choose a target date from today onwards: a new goal cannot be in the past."})
    with transaction.atomic():
        goal.full_clean()
        goal.save()
        PeerReview.objects.filter(pk=goal.review_id).update(plan_agreed_at=None)
    return goal


# --- Coaching and mentoring ---------------------------------------------------------


def mentoring_pair(*, mentee: User, mentor: User, started_on: date) -> Mentoring:
    """Pair `mentee` with a trained coach and mentor; refuse anyone who has not done the training."""
    mentoring = Mentoring(mentee=mentee, mentor=mentor, started_on=started_on)
    mentoring.full_clean()
    mentoring.save()
    return mentoring


def mentoring_session_record(*, mentoring: Mentoring, held_on: date, summary: str = "") -> MentoringSession:
    """Record one coaching or mentoring conversation."""
    session = MentoringSession(mentoring=mentoring, held_on=held_on, summary=summary)
    session.full_clean()
    session.save()
    return session


# --- Cohorts: enrolment ----------------------------------------------------------------


def cohort_enrol(*, cohort: Cohort, user: User) -> Enrolment:
    """Enrol `user` in `cohort` (every session of it): a confirmed place while places remain, else the waiting list.

    Only while applications are open, and only for the roles the programme is
    for. The cohort row is locked while the places are counted, so two people
    taking the last place at once cannot both get it.
    """
    now = timezone.now()
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("programme", "area").get(pk=cohort.pk)
        if now < cohort.applications_open_at:
            raise ValidationError(
                f"Applications for “{cohort.name}” open on {_when(cohort.applications_open_at)}. "
                "Come back then to enrol."
            )
        if now >= cohort.applications_close_at:
            raise ValidationError(
                f"Applications for “{cohort.name}” closed on {_when(cohort.applications_close_at)}. "
                "Look out for the next cohort, or ask your Training Hub about other programmes."
            )
        if not user_may_enrol(user=user, cohort=cohort):
            raise ValidationError(
                f"“{cohort.programme.name}” is for {cohort.programme.audience_display()}, so you cannot enrol. "
                "Your practice role is set by your practice's portal contact."
            )
        if Enrolment.objects.filter(cohort=cohort, user=user, status__in=Enrolment.ACTIVE).exists():
            raise ValidationError(f"You are already enrolled in “{cohort.name}”. Your place is shown on this page.")
        has_place = _has_place(Enrolment.objects.filter(cohort=cohort), capacity=cohort.capacity)
        enrolment = Enrolment(
            cohort=cohort,
            user=user,
            status=Enrolment.Status.CONFIRMED if has_place else Enrolment.Status.WAITLISTED,
            confirmed_at=now if has_place else None,
        )
        enrolment.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError:  # the partial unique constraint: a double click raced us
            raise ValidationError(f"You are already enrolled in “{cohort.name}”.") from None
        if has_place:
            _email_enrolled(enrolment, promoted=False)
        else:
            email_queue(
                to=[user.email],
                template=EMAIL + "enrolment_waitlisted",
                context={
                    "enrolment": enrolment,
                    "cohort": cohort,
                    "sessions": list(cohort.sessions.all()),
                    "position": enrolment_waitlist_position(enrolment=enrolment),
                },
            )
    return enrolment


def enrolment_cancel(*, enrolment: Enrolment) -> None:
    """Withdraw `enrolment`; a confirmed place goes to the first person on the waiting list, who is emailed."""
    now = timezone.now()
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("programme", "area").get(pk=enrolment.cohort_id)
        enrolment = Enrolment.objects.select_for_update().select_related("user").get(pk=enrolment.pk)
        enrolment.cohort = cohort
        if enrolment.status == Enrolment.Status.CANCELLED:
            raise ValidationError("This place is already cancelled.")
        if now > cohort.cancellation_until:
            raise ValidationError(
                f"You can no longer withdraw online: the cut-off was {_when(cohort.cancellation_until)}. "
                "If you cannot take part, please email the programme team so they can offer your place."
            )
        was_confirmed = enrolment.status == Enrolment.Status.CONFIRMED
        enrolment.status = Enrolment.Status.CANCELLED
        enrolment.cancelled_at = now
        enrolment.ics_sequence += 1
        enrolment.save(update_fields=["status", "cancelled_at", "ics_sequence"])
        email_queue(
            to=[enrolment.user.email],
            template=EMAIL + "enrolment_cancelled",
            context={"enrolment": enrolment, "cohort": cohort, "was_confirmed": was_confirmed},
            attachments=[enrolment_ics_attachment(enrolment=enrolment, cancelled=True)] if was_confirmed else [],
        )
        if was_confirmed:
            _promote_waiting_enrolments(cohort=cohort, now=now)


def cohort_fill_from_waiting_list(*, cohort: Cohort) -> int:
    """Confirm waiting-list enrolments into any free places (after staff add places); return how many."""
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("programme", "area").get(pk=cohort.pk)
        return _promote_waiting_enrolments(cohort=cohort, now=timezone.now())


def _promote_waiting_enrolments(*, cohort: Cohort, now: datetime) -> int:
    waiting = _first_waiting(Enrolment.objects.filter(cohort=cohort), capacity=cohort.capacity)
    for enrolment in waiting:
        enrolment.cohort = cohort
        _confirm(enrolment, now=now)
        _email_enrolled(enrolment, promoted=True)
    return len(waiting)


def _email_enrolled(enrolment: Enrolment, *, promoted: bool) -> None:
    email_queue(
        to=[enrolment.user.email],
        template=EMAIL + "enrolment_confirmed",
        context={
            "enrolment": enrolment,
            "cohort": enrolment.cohort,
            "sessions": list(enrolment.cohort.sessions.all()),
            "promoted": promoted,
        },
        attachments=[enrolment_ics_attachment(enrolment=enrolment)],
    )


def enrolment_remind(*, enrolment_id: int, session_id: int) -> bool:
    """Queue the day-before reminder of one cohort session for one confirmed enrolment, once. True if queued now.

    The claim (`reminded_until`, the start of the session reminded of) and the
    outbox row are written in one transaction, and the outbox key makes a
    second queue a no-op.
    """
    now = timezone.now()
    enrolment = (
        Enrolment.objects.select_related("cohort", "cohort__area", "user")
        .filter(pk=enrolment_id, status=Enrolment.Status.CONFIRMED)
        .first()
    )
    session = CohortSession.objects.filter(pk=session_id, starts_at__gt=now).first()
    if enrolment is None or session is None or session.cohort_id != enrolment.cohort_id:
        return False
    with transaction.atomic():
        claimed = Enrolment.objects.filter(pk=enrolment.pk, status=Enrolment.Status.CONFIRMED).filter(
            Q(reminded_until__isnull=True) | Q(reminded_until__lt=session.starts_at)
        ).update(reminded_until=session.starts_at)
        if not claimed:
            return False
        email_queue(
            to=[enrolment.user.email],
            template=EMAIL + "cohort_session_reminder",
            context={"enrolment": enrolment, "cohort": enrolment.cohort, "session": session},
            dedupe_key=f"programmes-cohort-reminder-{enrolment.pk}-{session.pk}",
        )
    return True


# --- Cohorts: attendance and completion ------------------------------------------------


def cohort_attendance_record(
    *, session: CohortSession, attended_enrolment_ids: Iterable[int], recorded_by: User | None = None
) -> int:
    """Record who attended `session` among its cohort's confirmed enrolments; return how many were recorded.

    Everyone confirmed is recorded: those in `attended_enrolment_ids` as
    attended, the rest as not. Refused until the session has started. Each
    person's completion is then worked out again; someone who reaches the
    cohort's rule is marked complete and emailed, once.
    """
    _refuse_future_sessions([session])
    attended_ids = set(attended_enrolment_ids)
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=session.cohort_id)
        enrolments = list(
            Enrolment.objects.select_for_update()
            .select_related("user")
            .filter(cohort=cohort, status=Enrolment.Status.CONFIRMED)
        )
        for enrolment in enrolments:
            Attendance.objects.update_or_create(
                enrolment=enrolment,
                session=session,
                defaults={"attended": enrolment.pk in attended_ids, "recorded_by": recorded_by},
            )
            enrolment.cohort = cohort
            _enrolment_update_completion(enrolment)
    return len(enrolments)


def _enrolment_update_completion(enrolment: Enrolment) -> None:
    attended = Attendance.objects.filter(enrolment=enrolment, attended=True).count()
    complete = attended >= enrolment.cohort.completion_minimum
    if complete and enrolment.completed_at is None:
        enrolment.completed_at = timezone.now()
        enrolment.save(update_fields=["completed_at"])
        email_queue(
            to=[enrolment.user.email],
            template=EMAIL + "cohort_completed",
            context={"enrolment": enrolment, "cohort": enrolment.cohort, "attended": attended},
            dedupe_key=f"programmes-cohort-completed-{enrolment.pk}",
        )
    elif not complete and enrolment.completed_at is not None:  # a correction took them below the rule
        enrolment.completed_at = None
        enrolment.save(update_fields=["completed_at"])


# --- Leadership interests ------------------------------------------------------------


def leadership_interest_save(
    *,
    user: User,
    practice_id: int,
    take_part: bool,
    co_facilitate: bool,
    lead: bool,
    name_visible: bool,
) -> LeadershipInterest:
    """Register or change the user's interest in leadership development, in their practice's area."""
    practice = practices_for_interest(user=user).filter(pk=practice_id).first()
    if practice is None:
        raise ValidationError({"practice": "Choose one of your practices."})
    interest = LeadershipInterest.objects.filter(user=user).first() or LeadershipInterest(user=user)
    interest.practice = practice
    interest.take_part, interest.co_facilitate, interest.lead = take_part, co_facilitate, lead
    interest.name_visible = name_visible
    if not (take_part or co_facilitate or lead):
        raise ValidationError({"take_part": "Choose at least one way you are interested."})
    interest.full_clean(validate_constraints=False)
    interest.save()
    return interest


def leadership_interest_withdraw(*, user: User) -> bool:
    """Remove the user's interest altogether; return True if there was one. Nobody sees it from now on."""
    deleted, _ = LeadershipInterest.objects.filter(user=user).delete()
    return bool(deleted)


def leadership_interest_introduce(*, interests: Iterable[LeadershipInterest], message: str, sent_by: User) -> int:
    """Email each person in the group, one email each, introducing the others; return how many were sent.

    Each email goes to one person only, so nobody sees another's address.
    It names only the people who chose to show their name; the others are
    counted, not named.
    """
    group = list(interests)
    if len(group) < 2:
        raise ValidationError("Choose at least two people to introduce to each other.")
    if not message.strip():
        raise ValidationError({"message": "Write a short message to go with the introduction."})
    with transaction.atomic():
        for interest in group:
            others = [other for other in group if other.pk != interest.pk]
            named = [other for other in others if other.name_visible]
            email_queue(
                to=[interest.user.email],
                template=EMAIL + "interest_introduction",
                context={
                    "interest": interest,
                    "named": named,
                    "unnamed_count": len(others) - len(named),
                    "message": message.strip(),
                    "sent_by": sent_by,
                },
            )
    return len(group)
