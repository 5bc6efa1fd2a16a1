"""Levy business rules: the arithmetic and reconciliation, and list-size imports."""

from .imports import (  # noqa: F401
    ImportOutcome,
    ImportPreview,
    list_size_import_apply,
    list_size_import_discard,
    list_size_import_preview,
    list_size_import_read,
    list_size_import_start,
    list_size_imports_fail_stalled,
)
from .reconciliation import (  # noqa: F401
    ExpectedLevy,
    ReconciliationLine,
    ReconciliationState,
    ReconciliationTotals,
    levy_expected,
    levy_expected_for_quarter,
    levy_reconcile,
    quarterly_levy,
    reconciliation_totals,
)
from .remittances import RemittancePreview, remittance_import_apply, remittance_import_preview  # noqa: F401
