from datetime import date
from decimal import Decimal

import factory

from levies.models import LevyKind, LevyRate, ListSize, Remittance
from tests.factories import PracticeFactory


class LevyRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LevyRate
        django_get_or_create = ("financial_year", "kind")

    financial_year = "2026/27"
    kind = LevyKind.STATUTORY
    pence_per_patient = Decimal("42.00")
    date_approved = date(2026, 3, 1)


class ListSizeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListSize

    practice = factory.SubFactory(PracticeFactory)
    quarter_start = date(2026, 4, 1)
    patients = 10_234


class RemittanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Remittance

    practice = factory.SubFactory(PracticeFactory)
    financial_year = "2026/27"
    quarter = 1
    kind = LevyKind.STATUTORY
    amount = Decimal("1074.57")
    date_received = date(2026, 7, 20)
    reference = factory.Sequence(lambda n: f"REM-{n:05d}")
