"""Retention arithmetic: when a closed enquiry's text and names are due for removal.

Pure functions of dates, no database access.
"""

from datetime import date
from typing import TypeVar

D = TypeVar("D", bound=date)


def add_years(moment: D, years: int) -> D:
    """Return `moment` moved by `years` calendar years (negative for earlier).

    29 February becomes 28 February in a year that has no leap day.
    """
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)
