from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from levies.money import format_pounds
from levies.services import quarterly_levy


def test_ten_thousand_practice_owes_1074_57_a_quarter_at_42p():
    assert quarterly_levy(patients=10_234, pence_per_patient=Decimal("42")) == Decimal("1074.57")


def test_ten_thousand_practice_owes_153_51_a_quarter_at_6p_gpdf():
    assert quarterly_levy(patients=10_234, pence_per_patient=Decimal("6")) == Decimal("153.51")


@pytest.mark.parametrize(
    ("patients", "pence", "expected"),
    [
        (5, "42", "0.53"),  # 0.525 exactly: half-up, where banker's rounding would give 0.52
        (1, "42", "0.11"),  # 0.105
        (1, "2", "0.01"),  # 0.005
        (25, "1.8", "0.11"),  # 0.1125 rounds down
        (1, "1.99", "0.00"),  # 0.004975 rounds down
    ],
)
def test_half_penny_rounds_up_and_below_half_rounds_down(patients, pence, expected):
    assert quarterly_levy(patients=patients, pence_per_patient=Decimal(pence)) == Decimal(expected)


def test_levy_is_a_decimal_to_the_penny():
    amount = quarterly_levy(patients=7_001, pence_per_patient=Decimal("43.5"))
    assert isinstance(amount, Decimal)
    assert amount.as_tuple().exponent == -2


def test_float_rate_is_refused():
    with pytest.raises(TypeError):
        quarterly_levy(patients=100, pence_per_patient=42.0)


@given(patients=st.integers(min_value=0, max_value=200_000), pence=st.decimals(min_value=0, max_value=200, places=2))
def test_four_quarters_are_within_two_pence_of_the_yearly_levy(patients, pence):
    yearly = Decimal(patients) * pence / 100
    assert abs(quarterly_levy(patients=patients, pence_per_patient=pence) * 4 - yearly) <= Decimal("0.02")


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(Decimal("1074.57"), "£1,074.57"), (Decimal("-12.3"), "-£12.30"), (Decimal("0"), "£0.00"), (None, "–")],
)
def test_money_is_shown_in_pounds_with_pence(amount, shown):
    assert format_pounds(amount) == shown
