import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from programmes.models import Booking
from programmes.services import session_book
from tests.programmes.factories import SessionFactory, manager


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_people_booking_the_last_place_at_once_get_exactly_one_place():
    session = SessionFactory(capacity=3)
    for _ in range(2):
        session_book(session=session, user=manager())
    people = [manager() for _ in range(10)]
    start = threading.Barrier(len(people))
    errors = []

    def book(user):
        try:
            start.wait()
            session_book(session=session, user=user)
        except (ValidationError, Exception) as exc:  # collected, so a failure is visible below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    bookings = Booking.objects.filter(session=session, user__in=people)
    assert bookings.filter(status=Booking.Status.CONFIRMED).count() == 1
    assert bookings.filter(status=Booking.Status.WAITLISTED).count() == 9
    assert Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).count() == 3
