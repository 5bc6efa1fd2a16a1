"""Remittance imports: check a file's remittances against the database, then record them all or none."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.models import Practice

from ..models import Remittance
from ..money import format_pounds
from ..remittance_csv import RemittanceRow


@dataclass
class RemittancePreview:
    new: list[RemittanceRow] = field(default_factory=list)
    already_recorded: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)

    @property
    def can_confirm(self) -> bool:
        return not self.bad_rows and bool(self.new)


def remittance_import_preview(*, rows: list[RemittanceRow], bad_rows: list[tuple[int, str]] | None = None) -> RemittancePreview:
    """Say which remittances are new, which are already recorded, and which cannot be recorded and why."""
    preview = RemittancePreview(bad_rows=list(bad_rows or []))
    practices = set(Practice.objects.filter(ods_code__in={row.ods_code for row in rows}).values_list("ods_code", flat=True))
    recorded = {
        (code, year, quarter, kind, reference): amount
        for code, year, quarter, kind, reference, amount in Remittance.objects.filter(
            reference__in={row.reference for row in rows}
        ).values_list("practice__ods_code", "financial_year", "quarter", "kind", "reference", "amount")
    }
    for row in rows:
        if row.ods_code not in practices:
            preview.bad_rows.append((row.line, f"{row.ods_code} is not a practice the portal knows."))
        elif row.key not in recorded:
            preview.new.append(row)
        elif recorded[row.key] == row.amount:
            preview.already_recorded += 1
        else:
            preview.bad_rows.append(
                (row.line, f"Reference {row.reference} is already recorded for {row.ods_code} as "
                           f"{format_pounds(recorded[row.key])}. Correct it under Remittances instead.")
            )  # fmt: skip
    preview.bad_rows.sort()
    return preview


def remittance_import_apply(*, rows: list[RemittanceRow]) -> int:
    """Record the file's new remittances, all or none; return how many. Rows already recorded are skipped."""
    with transaction.atomic():
        preview = remittance_import_preview(rows=rows)
        if preview.bad_rows:
            raise ValidationError("Some remittances in this file cannot be recorded. Nothing was recorded: upload it again.")
        practices = dict(Practice.objects.filter(ods_code__in={row.ods_code for row in preview.new}).values_list("ods_code", "pk"))
        remittances = [
            Remittance(practice_id=practices[row.ods_code], financial_year=row.financial_year, quarter=row.quarter,
                       kind=row.kind, amount=row.amount, date_received=row.date_received, reference=row.reference)
            for row in preview.new
        ]  # fmt: skip
        try:
            Remittance.objects.bulk_create(remittances)
        except IntegrityError as error:
            raise ValidationError(
                "Someone recorded some of these remittances at the same moment. Nothing was recorded: upload the file again."
            ) from error
    return len(remittances)
