from decimal import Decimal

import pytest

from levies.models import LevyKind
from tests.factories import StaffFactory
from tests.levies.factories import LevyRateFactory


@pytest.fixture
def rates_2026(db):
    """The 2026/27 rates: 42p statutory and 6p GPDF per patient per year."""
    return (
        LevyRateFactory(financial_year="2026/27", kind=LevyKind.STATUTORY, pence_per_patient=Decimal("42")),
        LevyRateFactory(financial_year="2026/27", kind=LevyKind.GPDF, pence_per_patient=Decimal("6")),
    )


@pytest.fixture
def levy_admin(db):
    from members.permissions import LEVY_ADMIN
    from tests.conftest import give_totp

    user = StaffFactory(groups=[LEVY_ADMIN])
    give_totp(user)
    return user


@pytest.fixture
def levy_admin_client(client, levy_admin):
    client.force_login(levy_admin)
    return client
