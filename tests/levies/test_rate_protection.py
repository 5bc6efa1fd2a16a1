import pytest
from django.urls import reverse

from members.permissions import LEVY_ADMIN
from tests.conftest import give_totp
from tests.factories import StaffFactory
from tests.levies.factories import LevyRateFactory, RemittanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def levy_client(client):
    staff = StaffFactory(groups=[LEVY_ADMIN])
    give_totp(staff)
    client.force_login(staff)
    return client


def test_a_rate_with_remittances_reconciled_against_it_cannot_be_deleted(levy_client):
    rate = LevyRateFactory()
    RemittanceFactory(financial_year=rate.financial_year, kind=rate.kind)
    assert levy_client.get(reverse("admin:levies_levyrate_delete", args=[rate.pk])).status_code == 403
    page = levy_client.get(reverse("admin:levies_levyrate_change", args=[rate.pk])).content.decode()
    assert "cannot be deleted" in page


def test_a_rate_nobody_relies_on_can_be_deleted(levy_client):
    rate = LevyRateFactory(financial_year="2031/32")
    RemittanceFactory(financial_year="2026/27")
    assert levy_client.get(reverse("admin:levies_levyrate_delete", args=[rate.pk])).status_code == 200


def test_a_rate_with_list_sizes_for_its_year_cannot_be_deleted(levy_client):
    from datetime import date

    from tests.levies.factories import ListSizeFactory

    rate = LevyRateFactory(financial_year="2030/31")
    ListSizeFactory(quarter_start=date(2030, 10, 1))

    assert levy_client.get(reverse("admin:levies_levyrate_delete", args=[rate.pk])).status_code == 403
