"""Levy business rules: list-size and remittance imports (the reconciliation is read-side: `levies.selectors`).

Every public name is listed here, so a reader (and a type checker) sees the
package's interface in one place.
"""

from ..money import quarterly_levy  # an interface named in DESIGN.md
from .imports import (
    ImportOutcome,
    ImportPreview,
    list_size_import_apply,
    list_size_import_discard,
    list_size_import_preview,
    list_size_import_read,
    list_size_import_start,
    list_size_imports_fail_stalled,
)
from .remittances import RemittancePreview, remittance_import_apply, remittance_import_preview

__all__ = [
    "quarterly_levy",
    "ImportOutcome",
    "ImportPreview",
    "list_size_import_apply",
    "list_size_import_discard",
    "list_size_import_preview",
    "list_size_import_read",
    "list_size_import_start",
    "list_size_imports_fail_stalled",
    "RemittancePreview",
    "remittance_import_apply",
    "remittance_import_preview",
]
