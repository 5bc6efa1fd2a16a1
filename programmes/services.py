"""Business rules of the Practice Manager Development Programme."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from mail.services import email_queue
from members.models import User

from .ics import booking_ics_attachment
from .models import Booking, Goal, Mentoring, MentoringSession, PeerReview, Session, Training
from .selectors import user_may_book, waitlist_position

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
        confirmed = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).count()
        has_place = confirmed < session.capacity
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
    confirmed = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).count()
    free = session.capacity - confirmed
    if free <= 0:
        return 0
    waiting = list(
        Booking.objects.select_for_update()
        .select_related("user")
        .filter(session=session, status=Booking.Status.WAITLISTED)
        .order_by("created_at", "pk")[:free]
    )
    for booking in waiting:
        booking.session = session
        booking.status = Booking.Status.CONFIRMED
        booking.confirmed_at = now
        booking.ics_sequence += 1
        booking.save(update_fields=["status", "confirmed_at", "ics_sequence"])
        _email_confirmed(booking, promoted=True)
    return len(waiting)


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
    trained mentor from the session's date.
    """
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
    """Add or change a goal in a development plan; the reviewer then needs to agree the plan again."""
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
