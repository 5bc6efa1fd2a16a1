"""Demo levies: rates, a list size for every demo practice each quarter, and remittances.

Remittances cover the quarters that have finished, in a realistic mix:
most matched, some short, some over, some not yet received. The quarter in
progress has list sizes but no money yet; Castle Street Surgery's list size
for it has not been imported, so its expected levy shows as not worked out.
One list-size import failed (a file saved from Excel in the wrong encoding),
so staff see how a failed import reads. Running `seed()` twice leaves the
same rows.
"""

import io
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from members.models import Practice, User

from .listsize_csv import FileProblem, parse_list_sizes
from .models import LevyKind, LevyRate, ListSize, ListSizeImport, Remittance
from .money import quarterly_levy
from .periods import Quarter, financial_year_label, quarters_between

# (financial year start, statutory pence, GPDF pence, approved)
RATES = [
    (2025, Decimal("40.00"), Decimal("6.00"), date(2025, 2, 12)),
    (2026, Decimal("42.00"), Decimal("6.00"), date(2026, 2, 11)),
]
LATE_LIST_SIZE = "P81031"
FAILED_IMPORT_FILE = "gp-reg-pat-prac-all-saved-from-excel.csv"
# The header and two rows of an NHS file whose practice name column was saved as Windows-1252.
_WRONG_ENCODING = (
    b"EXTRACT_DATE,CODE,SEX,AGE,NUMBER_OF_PATIENTS,NAME\n"
    b"01OCT2026,P81001,ALL,ALL,10234,Riverside Medical Practice\n"
    b"01OCT2026,P81002,ALL,ALL,7950,Ribble View Surgery \x96 Preston\n"
)


def _patients(ods_code: str, quarter_index: int) -> int:
    """A stable list size between about 4,000 and 16,000 that grows a little each quarter."""
    base = 4_000 + (int(ods_code[1:]) * 7_919) % 12_000
    return base + quarter_index * (base // 200)


def _remitted(expected: Decimal, pattern: int) -> Decimal | None:
    """Mostly the right money; now and then short, over or not (yet) received."""
    if pattern == 3:
        return None
    if pattern == 5:
        return expected - Decimal("25.00")
    if pattern == 8:
        return expected + Decimal("12.40")
    return expected


def seed() -> None:
    today = timezone.localdate()
    current = Quarter.containing(today)
    years = range(RATES[0][0], current.year + 1)
    rates = {}
    for year in years:
        statutory, gpdf, approved = next(((s, g, a) for y, s, g, a in RATES if y == year), RATES[-1][1:])
        for kind, pence in ((LevyKind.STATUTORY, statutory), (LevyKind.GPDF, gpdf)):
            LevyRate.objects.update_or_create(
                financial_year=financial_year_label(year),
                kind=kind,
                defaults={"pence_per_patient": pence, "date_approved": approved, "note": "Demo rate."},
            )
            rates[(year, kind)] = pence

    quarters = quarters_between(Quarter(RATES[0][0], 1), current)
    practices = list(Practice.objects.filter(ods_code__startswith="P810").order_by("ods_code"))
    for practice_index, practice in enumerate(practices):
        for quarter_index, quarter in enumerate(quarters):
            if quarter == current and practice.ods_code == LATE_LIST_SIZE:
                continue
            patients = _patients(practice.ods_code, quarter_index)
            ListSize.objects.update_or_create(
                practice=practice,
                quarter_start=quarter.start,
                defaults={"patients": patients, "source": ListSize.Source.NHS_FILE},
            )
            if quarter == current:
                continue  # the commissioner has not paid this quarter yet
            for kind in LevyKind.values:
                if kind == LevyKind.GPDF and practice.gpdf_opt_out:
                    continue
                expected = quarterly_levy(patients=patients, pence_per_patient=rates[(quarter.year, kind)])
                amount = _remitted(expected, (practice_index * 3 + quarter_index + len(kind)) % 10)
                reference = f"DEMO-{quarter.year}-Q{quarter.number}-{practice.ods_code}-{kind}"
                if amount is None:
                    Remittance.objects.filter(reference=reference).delete()
                    continue
                Remittance.objects.update_or_create(
                    reference=reference,
                    defaults={
                        "practice": practice,
                        "financial_year": quarter.financial_year,
                        "quarter": quarter.number,
                        "kind": kind,
                        "amount": amount,
                        "date_received": quarter.end + timedelta(days=24),
                    },
                )
    _failed_import()


def _failed_import() -> None:
    """An import that failed as a real one would, with the message the reader gives."""
    try:
        parse_list_sizes(io.BytesIO(_WRONG_ENCODING))
        reason = ""
    except FileProblem as problem:
        reason = str(problem)
    ListSizeImport.objects.update_or_create(
        file_name=FAILED_IMPORT_FILE,
        defaults={
            "file_format": ListSizeImport.Format.NHS,
            "status": ListSizeImport.Status.FAILED,
            "error": reason,
            "size_chars": len(_WRONG_ENCODING),
            "uploaded_by": User.objects.filter(email="levies@lmc.example.org").first(),
        },
    )
