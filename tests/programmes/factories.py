from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from members.models import Area as NhsArea
from members.models import Membership
from programmes.models import (
    Area,
    Booking,
    Cohort,
    CohortSession,
    Enrolment,
    HubOffer,
    LeadershipInterest,
    Programme,
    Session,
    Training,
    TrainingHub,
)
from tests.factories import MembershipFactory, PracticeFactory, UserFactory

LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["name"]

    name = "Preston"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    title = factory.Sequence(lambda n: f"Peer support meeting {n}")
    kind = Session.Kind.PEER_SUPPORT
    area = factory.SubFactory(AreaFactory)
    mode = Session.Mode.IN_PERSON
    venue = "Preston Business Centre, PR2 8DY"
    starts_at = factory.LazyFunction(
        lambda: datetime.combine(timezone.localdate() + timedelta(days=10), time(10), tzinfo=LONDON)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 10
    audience = Session.Audience.PRACTICE_MANAGERS
    booking_closes_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=2))
    cancellation_until = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=1))


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)
    status = Booking.Status.CONFIRMED


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    user = factory.SubFactory(UserFactory)
    kind = Training.Kind.PEER_REVIEWER
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


def manager(**kwargs):
    """A practice manager (at a new practice unless `practice=` is given)."""
    return MembershipFactory(**kwargs).user


# --- Leadership development ----------------------------------------------------------

GP_ROLES = [Membership.Role.GP_TRAINEE, Membership.Role.SALARIED_GP, Membership.Role.GP_PARTNER]


class NhsAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NhsArea
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Sub-ICB location {n}")
    kind = NhsArea.Kind.SUB_ICB


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["slug"]

    name = "Next Generation GP"
    slug = "next-generation-gp"
    description = "Six sessions for early-career GPs."
    audience_roles = factory.LazyFunction(lambda: list(GP_ROLES))
    kind = Programme.Kind.COHORT


def _now():
    return timezone.now()


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort taking applications now, with `sessions` (default 6) fortnightly from five weeks away."""

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Next Generation GP cohort {n}")
    area = factory.SubFactory(AreaFactory, name="Central Preston", nhs_area=factory.SubFactory(NhsAreaFactory, name="Greater Preston"))
    capacity = 12
    applications_open_at = factory.LazyFunction(lambda: _now() - timedelta(days=7))
    applications_close_at = factory.LazyFunction(lambda: _now() + timedelta(days=28))
    cancellation_until = factory.LazyAttribute(lambda o: o.applications_close_at)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=35))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(weeks=12))
    completion_minimum = 5

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        count = 6 if extracted is None else extracted
        for number in range(count):
            start = datetime.combine(self.starts_on + timedelta(weeks=2 * number), time(18, 30), tzinfo=LONDON)
            CohortSession.objects.create(
                cohort=self, title=f"Session {number + 1}", venue="Preston Business Centre, PR2 8DY",
                starts_at=start, ends_at=start + timedelta(hours=2),
            )


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    user = factory.LazyFunction(lambda: gp())
    status = Enrolment.Status.CONFIRMED


class TrainingHubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingHub
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Training Hub {n}")
    web_address = "https://hub.example.org"
    email = "hub@example.org"
    phone = "01772 000 000"

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        for area in extracted or []:
            self.areas.add(area)


class HubOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HubOffer

    hub = factory.SubFactory(TrainingHubFactory)
    category = HubOffer.Category.ONE_OFF
    title = factory.Sequence(lambda n: f"Offer {n}")


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadershipInterest

    user = factory.LazyAttribute(lambda o: MembershipFactory(practice=o.practice, role=Membership.Role.SALARIED_GP).user)
    practice = factory.LazyFunction(lambda: PracticeFactory(area=NhsAreaFactory(name="Greater Preston")))
    take_part = True


def gp(*, area_name: str = "Greater Preston", role=Membership.Role.GP_TRAINEE, **kwargs):
    """A GP (a trainee by default) at a new practice in `area_name`."""
    practice = kwargs.pop("practice", None) or PracticeFactory(area=NhsAreaFactory(name=area_name))
    return MembershipFactory(practice=practice, role=role, **{f"user__{key}": value for key, value in kwargs.items()}).user
