from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from levies.models import LevyKind, LevyRate, ListSize
from tests.levies.factories import LevyRateFactory, ListSizeFactory, RemittanceFactory


def test_financial_year_must_be_written_like_2026_27(db):
    rate = LevyRate(financial_year="2026/28", kind=LevyKind.STATUTORY, pence_per_patient=Decimal("42"), date_approved=date(2026, 3, 1))

    with pytest.raises(ValidationError) as error:
        rate.full_clean()
    assert "enter 2026/27" in str(error.value)


def test_database_refuses_a_badly_written_financial_year(db):
    with pytest.raises(IntegrityError):
        LevyRate.objects.create(financial_year="2026-27", kind=LevyKind.STATUTORY, pence_per_patient=Decimal("42"), date_approved=date(2026, 3, 1))


def test_one_rate_per_year_and_kind(db):
    LevyRateFactory(financial_year="2026/27", kind=LevyKind.GPDF)

    with pytest.raises(IntegrityError):
        LevyRate.objects.create(financial_year="2026/27", kind=LevyKind.GPDF, pence_per_patient=Decimal("7"), date_approved=date(2026, 3, 1))


def test_list_size_must_be_for_a_quarter_start(db):
    size = ListSizeFactory.build(quarter_start=date(2026, 5, 1))

    with pytest.raises(ValidationError, match="1 April, 1 July, 1 October or 1 January"):
        size.full_clean(exclude=["practice"])


def test_database_refuses_a_list_size_mid_quarter(practice):
    with pytest.raises(IntegrityError):
        ListSize.objects.create(practice=practice, quarter_start=date(2026, 4, 2), patients=100)


def test_one_list_size_per_practice_and_quarter(practice):
    ListSizeFactory(practice=practice, quarter_start=date(2026, 7, 1))

    with pytest.raises(IntegrityError):
        ListSizeFactory(practice=practice, quarter_start=date(2026, 7, 1))


def test_database_refuses_a_quarter_five(practice):
    with pytest.raises(IntegrityError):
        RemittanceFactory(practice=practice, quarter=5)
