"""Django admin for levies: rates, list sizes and their import, remittances and the quarter reconciliation."""

from . import imports, rates, remittances  # noqa: F401
