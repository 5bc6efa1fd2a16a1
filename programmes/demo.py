"""Demo programme: upcoming sessions in three footprints (one nearly full), an
aspiring-manager group, a trained peer reviewer and mentor, and a peer review
with a development plan for manager@riverside.example.org. Leadership
development: the Greater Preston Training Hub and its offers, a Next
Generation GP programme with an open cohort of six sessions in Preston, the
template email (created by migration 0005, edited in the admin), and a few
registered interests. Idempotent."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from members.models import Area as NhsArea
from members.models import Membership, User

from .models import (
    Area,
    AspiringGroup,
    Booking,
    Cohort,
    CohortSession,
    Enrolment,
    Goal,
    HubOffer,
    LeadershipInterest,
    Mentoring,
    MentoringSession,
    PeerReview,
    Programme,
    Session,
    Training,
    TrainingHub,
)

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

    # Riverside's manager has a place on the Preston session, so her dashboard shows a booking.
    _book(Session.objects.get(title=SESSIONS[0][0]), people["manager@riverside.example.org"])

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
         21, Goal.Status.IN_PROGRESS, "Leah runs the reception rota from next month."),
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

    seed_leadership(today, people)


# --- Leadership development ---------------------------------------------------------------

FOOTPRINT_AREAS = {"Preston": "Greater Preston", "Fylde Coast": "Blackpool", "Pennine": "East Lancashire"}
NEXT_GEN = {
    "slug": "next-generation-gp",
    "name": "Next Generation GP",
    "description": "Six evening sessions for GP trainees, early-career and salaried GPs: conversations with "
    "inspiring local leaders, and the skills to lead change in your practice, PCN and beyond.",
    "audience_roles": [Membership.Role.GP_TRAINEE, Membership.Role.SALARIED_GP, Membership.Role.GP_PARTNER],
}
NEXT_GEN_SESSIONS = [
    "Session 1: why leadership, and why you",
    "Session 2: leading yourself (with a local GP partner)",
    "Session 3: how the NHS fits together (with an ICB clinical lead)",
    "Session 4: leading change in your practice",
    "Session 5: difficult conversations and teams",
    "Session 6: your next step (with a PCN clinical director)",
]
HUB = {
    "name": "Lancashire and South Cumbria Training Hub (Central Lancashire)",
    "web_address": "https://traininghub.example.org/central-lancashire",
    "email": "central.lancs@traininghub.example.org",
    "phone": "01772 000 123",
    "about": "The local \u201cgo to\u201d place for GP training and development: one-off skills sessions, "
    "leadership programmes, shadowing and mentoring from local leaders, and eLearning.",
}
HUB_OFFERS = [
    (HubOffer.Category.ONE_OFF, "Chairing a practice meeting", "Two-hour evening workshop, online, each term."),
    (HubOffer.Category.ONE_OFF, "Understanding GP finances", "Half-day session on contracts, income and partnership."),
    (HubOffer.Category.PROGRAMME, "Next Generation GP (Central Lancashire)", "Six sessions; see the cohort below."),
    (HubOffer.Category.PROGRAMME, "New to partnership programme", "For GPs in their first years as a partner."),
    (HubOffer.Category.SHADOWING, "Shadow a PCN clinical director", "A day alongside a local leader, arranged for you."),
    (HubOffer.Category.SHADOWING, "Mentoring for first-five GPs", "Six months with an experienced local GP mentor."),
    (HubOffer.Category.ELEARNING, "Leadership foundations (NHS Leadership Academy)", "Free, self-paced modules."),
]
# (email, take part, co-facilitate, lead, name visible)
INTERESTS = [
    ("newgp@riverside.example.org", True, False, False, False),
    ("salaried@riverside.example.org", True, True, False, True),
    ("partner@ribbleview.example.org", False, True, True, True),
    ("partner@riverside.example.org", False, False, True, False),
]


def seed_leadership(today: date, people: dict[str, User]) -> None:
    for footprint, area_name in FOOTPRINT_AREAS.items():
        nhs_area = NhsArea.objects.filter(name=area_name).first()
        Area.objects.filter(name=footprint, nhs_area__isnull=True).update(nhs_area=nhs_area)

    preston_area = NhsArea.objects.filter(name="Greater Preston").first()
    hub, _ = TrainingHub.objects.update_or_create(name=HUB["name"], defaults={k: v for k, v in HUB.items() if k != "name"})
    if preston_area:
        hub.areas.add(preston_area)
    for category, title, description in HUB_OFFERS:
        HubOffer.objects.update_or_create(hub=hub, title=title, defaults={"category": category, "description": description})

    programme, _ = Programme.objects.update_or_create(
        slug=NEXT_GEN["slug"],
        defaults={**{k: v for k, v in NEXT_GEN.items() if k != "slug"}, "kind": Programme.Kind.COHORT},
    )
    first = _next_weekday(today + timedelta(days=28), 1)  # a Tuesday about four weeks away
    opened = datetime.combine(today - timedelta(days=7), time(9), tzinfo=LONDON)
    closes = datetime.combine(first - timedelta(days=7), time(17), tzinfo=LONDON)
    cohort, _ = Cohort.objects.update_or_create(
        programme=programme,
        name="Next Generation GP: Preston, first cohort",
        defaults={
            "area": Area.objects.get(name="Preston"),
            "description": "Evenings at Preston, 18:30 to 20:30, with food from 18:00.",
            "led_by": "Dr Aisha Khan (salaried GP) and GP trainees from the Preston scheme",
            "capacity": 12,
            "applications_open_at": opened,
            "applications_close_at": closes,
            "cancellation_until": closes,
            "starts_on": first,
            "ends_on": first + timedelta(weeks=2 * (len(NEXT_GEN_SESSIONS) - 1)),
            "completion_minimum": 5,
        },
    )
    for number, title in enumerate(NEXT_GEN_SESSIONS):
        start = datetime.combine(first + timedelta(weeks=2 * number), time(18, 30), tzinfo=LONDON)
        CohortSession.objects.update_or_create(
            cohort=cohort,
            title=title,
            defaults={
                "mode": Session.Mode.IN_PERSON,
                "venue": "Preston Business Centre, Watling Street Road, Preston PR2 8DY",
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
            },
        )
    # Two people already enrolled, so the places count down.
    for email in ("partner@promenade.example.org", "salaried@riverside.example.org"):
        if email in people and not Enrolment.objects.filter(cohort=cohort, user=people[email]).exists():
            Enrolment.objects.create(
                cohort=cohort, user=people[email], status=Enrolment.Status.CONFIRMED, confirmed_at=timezone.now()
            )

    for email, take_part, co_facilitate, lead, visible in INTERESTS:
        user = people.get(email)
        membership = Membership.objects.filter(user=user, is_active=True).select_related("practice").first()
        if user is None or membership is None:
            continue
        LeadershipInterest.objects.update_or_create(
            user=user,
            defaults={
                "practice": membership.practice,
                "take_part": take_part,
                "co_facilitate": co_facilitate,
                "lead": lead,
                "name_visible": visible,
            },
        )


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)
