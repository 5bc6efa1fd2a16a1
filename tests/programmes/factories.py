from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from programmes.models import Area, Booking, Session, Training
from tests.factories import MembershipFactory, UserFactory

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
