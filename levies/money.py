"""Levy arithmetic in pounds and pence: Decimal only, rounded half-up to the penny."""

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
QUARTERS_A_YEAR = 4


def to_pounds(value: Decimal) -> Decimal:
    """Round `value` half-up to the penny."""
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def quarterly_levy(*, patients: int, pence_per_patient: Decimal) -> Decimal:
    """Return a quarter's levy in pounds: patients x pence per patient per year / 100 / 4, half-up to the penny.

    10,234 patients at 42p a year owe £1,074.57 a quarter; at 6p, £153.51.
    """
    if isinstance(pence_per_patient, float):
        raise TypeError("Give the rate as a Decimal, never a float.")
    if patients < 0:
        raise ValueError("A practice cannot have fewer than no patients.")
    # Decimal division of these small numbers is exact, so the one rounding is the last step.
    return to_pounds(Decimal(patients) * Decimal(pence_per_patient) / 100 / QUARTERS_A_YEAR)


def format_pounds(value: Decimal | None) -> str:
    """Show money as £1,074.57 (and -£3.20 for a negative amount); an unknown amount as a dash."""
    if value is None:
        return "–"
    rounded = to_pounds(value)
    sign = "-" if rounded < 0 else ""
    return f"{sign}£{abs(rounded):,.2f}"
