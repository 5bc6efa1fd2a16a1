from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from levies.models import LevyKind
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.levies.factories import LevyRateFactory, ListSizeFactory, RemittanceFactory

URL = reverse("levies:index")
pytestmark = pytest.mark.usefixtures("rates_2026")


@pytest.fixture(autouse=True)
def in_november_2026():
    with time_machine.travel("2026-11-22 10:00 +00:00", tick=False):
        yield


def test_member_sees_list_size_expected_levy_and_what_arrived(member_client, practice):
    ListSizeFactory(practice=practice, quarter_start=date(2026, 4, 1), patients=10_234)
    RemittanceFactory(practice=practice, financial_year="2026/27", quarter=1, kind=LevyKind.STATUTORY, amount=Decimal("1000.00"))

    page = member_client.get(URL).content.decode()

    assert "Q1 2026/27 (April to June 2026)" in page
    assert "10,234" in page
    assert "£1,074.57" in page
    assert "£153.51" in page
    assert "£1,000.00" in page
    assert "Less than expected" in page
    assert "£74.57 short" in page


def test_member_sees_the_rates_for_the_year(member_client):
    assert "Statutory levy 42p and GPDF levy 6p" in member_client.get(URL).content.decode()


def test_page_covers_this_and_last_financial_year_up_to_the_current_quarter(member_client, practice):
    LevyRateFactory(financial_year="2025/26", kind=LevyKind.STATUTORY, pence_per_patient=Decimal("40"))
    page = member_client.get(URL).content.decode()

    assert "Q1 2025/26 (April to June 2025)" in page
    assert "Q3 2026/27 (October to December 2026)" in page
    assert "Q4 2026/27" not in page
    assert "Q4 2024/25" not in page


def test_opted_out_practice_is_told_no_gpdf_levy_is_due(client, rates_2026):
    practice = PracticeFactory(gpdf_opt_out=True)
    client.force_login(MembershipFactory(practice=practice).user)

    page = client.get(URL).content.decode()

    assert "opted out of the GPDF levy" in page
    assert "None (opted out)" in page


def test_member_never_sees_another_practices_figures(member_client, other_practice):
    ListSizeFactory(practice=other_practice, quarter_start=date(2026, 4, 1), patients=55_555)
    RemittanceFactory(practice=other_practice, amount=Decimal("9876.54"))

    page = member_client.get(URL).content.decode()

    assert other_practice.name not in page
    assert "55,555" not in page
    assert "£9,876.54" not in page


def test_member_of_two_practices_sees_both(member_client, member, other_practice):
    MembershipFactory(user=member, practice=other_practice)

    response = member_client.get(URL)

    assert [summary.practice for summary in response.context["summaries"]] == sorted(
        [member.memberships.first().practice, other_practice], key=lambda p: p.name
    )


def test_former_member_no_longer_sees_the_practice(client, practice):
    membership = MembershipFactory(practice=practice, is_active=False)
    client.force_login(membership.user)

    assert client.get(URL).status_code == 403


def test_logged_out_visitor_is_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_person_without_a_practice_is_refused(client):
    client.force_login(UserFactory())

    assert client.get(URL).status_code == 403


def test_page_query_count_does_not_grow_with_practices_or_quarters(client, django_assert_max_num_queries):
    user = UserFactory()
    for _ in range(4):
        practice = MembershipFactory(user=user).practice
        for quarter_start in (date(2025, 4, 1), date(2025, 7, 1), date(2026, 4, 1), date(2026, 10, 1)):
            ListSizeFactory(practice=practice, quarter_start=quarter_start)
        RemittanceFactory(practice=practice)
    client.force_login(user)

    # session, user, membership check, practices, list sizes, rates (x2), remittances
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert len(response.context["summaries"]) == 4
