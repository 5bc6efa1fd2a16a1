"""Demo programme: upcoming sessions in three footprints (one nearly full), an
aspiring-manager group, a trained peer reviewer and mentor, and a peer review
with a development plan for manager@riverside.example.org. Idempotent."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from members.models import User

from .models import Area, AspiringGroup, Booking, Goal, Mentoring, MentoringSession, PeerReview, Session, Training

LONDON = ZoneInfo("Europe/London")
K = Session.Kind
A = Session.Audience

# (title, kind, area, days from today, start hour, hours long, capacity, audience, venue or None for online)
SESSIONS = [
    ("Peer support: workforce pressures and winter planning", K.PEER_SUPPORT, "Preston", 9, 13, 3, 12,
     A.PRACTICE_MANAGERS, "Preston Business Centre, Watling Street Road, Preston PR2 8DY"),
    ("Peer support: getting ready for a CQC inspection", K.PEER_SUPPORT, "Fylde Coast", 16, 10, 2, 3,
     A.PRACTICE_MANAGERS, None),
    ("Peer support: partnership agreements and succession", K.PEER_SUPPORT, "Pennine", 23, 13, 3, 10,
     A.PRACTICE_MANAGERS, "Burnley Business Centre, Empire Business Park, Burnley BB12 6HH"),
    ("Peer-review training day", K.PEER_REVIEW_TRAINING, "Preston", 30, 9, 7, 16,
     A.PRACTICE_MANAGERS, "County Hall, Fishergate, Preston PR1 8XJ"),
    ("Coaching and mentoring training day", K.MENTORING_TRAINING, "Fylde Coast", 44, 9, 7, 14,
     A.PRACTICE_MANAGERS, "Blackpool Central Library, Queen Street, Blackpool FY1 1PX"),
]
DESCRIPTIONS = {
    K.PEER_SUPPORT: "Bring a question or a success to share with other practice managers. Tea and coffee provided.",
    K.ASPIRING_GROUP: "Monthly meeting for assistant and deputy practice managers and team leads.",
    K.PEER_REVIEW_TRAINING: "One-day training for practice managers who want to become formative peer reviewers.",
    K.MENTORING_TRAINING: "One-day coaching and mentoring training. Afterwards you can be paired as a mentor.",
}
GROUP_NAME = "Preston aspiring practice managers"
GROUP_VENUE = "Riverside Medical Practice meeting room, Preston PR1 2AB"


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _session(title, kind, area, start, hours, capacity, audience, venue, group=None) -> Session:
    session, _ = Session.objects.update_or_create(
        title=title,
        area=area,
        defaults={
            "kind": kind,
            "group": group,
            "mode": Session.Mode.IN_PERSON if venue else Session.Mode.ONLINE,
            "venue": venue or "",
            "online_link": "" if venue else "https://teams.example.org/meet/lmc-programme",
            "starts_at": start,
            "ends_at": start + timedelta(hours=hours),
            "capacity": capacity,
            "audience": audience,
            "booking_closes_at": start - timedelta(days=2),
            "cancellation_until": start - timedelta(days=1),
            "description": DESCRIPTIONS[kind] + ("" if venue else " On Microsoft Teams: the joining link is in your confirmation email."),
        },
    )
    return session


def _first_wednesday(today: date, months_ahead: int) -> date:
    year, month = divmod(today.month - 1 + months_ahead, 12)
    first = date(today.year + year, month + 1, 1)
    return first + timedelta(days=(2 - first.weekday()) % 7)


def _book(session: Session, user: User, *, attended=None) -> Booking:
    booking = Booking.objects.filter(session=session, user=user, status__in=Booking.ACTIVE).first()
    if booking is None:
        booking = Booking.objects.create(
            session=session, user=user, status=Booking.Status.CONFIRMED, confirmed_at=timezone.now()
        )
    if attended is not None and booking.attended != attended:
        Booking.objects.filter(pk=booking.pk).update(attended=attended)
    return booking


def seed() -> None:
    today = timezone.localdate()
    people = {u.email: u for u in User.objects.filter(email__endswith=".example.org")}
    areas = {name: Area.objects.get_or_create(name=name)[0] for name in ("Preston", "Fylde Coast", "Pennine")}

    for title, kind, area, days, hour, hours, capacity, audience, venue in SESSIONS:
        _session(title, kind, areas[area], _at(today + timedelta(days=days), hour), hours, capacity, audience, venue)

    # Nearly full: two of three places taken on the Fylde Coast session.
    cqc = Session.objects.get(title=SESSIONS[1][0])
    for email in ("manager@promenade.example.org", "manager@bispham.example.org"):
        _book(cqc, people[email])

    # Aspiring-manager group, meeting monthly.
    group, _ = AspiringGroup.objects.get_or_create(name=GROUP_NAME, area=areas["Preston"])
    group.members.add(
        *[people[e] for e in ("deputy@riverside.example.org", "reception.lead@riverside.example.org") if e in people]
    )
    for months_ahead in (1, 2, 3):
        day = _first_wednesday(today, months_ahead)
        _session(
            f"Aspiring managers monthly meeting: {day:%B %Y}", K.ASPIRING_GROUP, areas["Preston"], _at(day, 14), 2, 15,
            A.ASPIRING, GROUP_VENUE, group=group,
        )

    # Past training days: a trained peer reviewer and a trained mentor.
    reviewer, mentor = people["manager@ribbleview.example.org"], people["manager@promenade.example.org"]
    for title, kind, person, training_kind in [
        ("Peer-review training day (autumn)", K.PEER_REVIEW_TRAINING, reviewer, Training.Kind.PEER_REVIEWER),
        ("Coaching and mentoring training day (autumn)", K.MENTORING_TRAINING, mentor, Training.Kind.MENTOR),
    ]:
        past = _session(title, kind, areas["Preston"], _at(today - timedelta(days=60), 9), 7, 16, A.PRACTICE_MANAGERS,
                        "County Hall, Fishergate, Preston PR1 8XJ")
        _book(past, person, attended=True)
        Training.objects.get_or_create(
            user=person, kind=training_kind, defaults={"completed_on": timezone.localdate(past.starts_at), "session": past}
        )

    # A peer review with a development plan, and a mentoring pairing, for Riverside's manager.
    manager = people["manager@riverside.example.org"]
    review, _ = PeerReview.objects.get_or_create(
        manager=manager,
        reviewer=reviewer,
        defaults={
            "meeting_on": today - timedelta(days=21),
            "meeting_notes": "We talked through the practice's move to a new clinical system, the partnership's "
            "plans for a new salaried GP, and Priya's wish to lead the PCN's estates work.",
        },
    )
    goals = [
        ("Lead the clinical system migration", "The move in spring is the practice's biggest risk this year.",
         120, Goal.Status.IN_PROGRESS, "Project plan drafted and shared with the partners."),
        ("Complete a finance course for practice managers", "To model the partnership's options with confidence.",
         200, Goal.Status.NOT_STARTED, ""),
        ("Delegate rota management to the deputy", "Frees a day a week and develops Leah.",
         60, Goal.Status.IN_PROGRESS, "Leah runs the reception rota from next month."),
    ]
    for what, why, days, status, notes in goals:
        Goal.objects.get_or_create(
            review=review, what=what,
            defaults={"why": why, "target_date": today + timedelta(days=days), "status": status, "progress_notes": notes},
        )
    mentoring, _ = Mentoring.objects.get_or_create(
        mentee=manager, mentor=mentor, defaults={"started_on": today - timedelta(days=40)}
    )
    MentoringSession.objects.get_or_create(
        mentoring=mentoring, held_on=today - timedelta(days=14),
        defaults={"summary": "Difficult conversations with partners: agreed to try the 'facts first' approach."},
    )
