"""Levy business rules: list-size and remittance imports (the reconciliation is read-side: `levies.selectors`)."""

from .imports import (  # noqa: F401
    ImportOutcome,
    ImportPreview,
    list_size_import_apply,
    list_size_import_discard,
    list_size_import_preview,
    list_size_import_read,
    list_size_import_start,
)
from ..money import quarterly_levy  # noqa: F401  (an interface named in DESIGN.md)
from .remittances import RemittancePreview, remittance_import_apply, remittance_import_preview  # noqa: F401
