"""Benchmark the list-size import: an NHS-format CSV for thousands of practices.

    .venv/bin/python bench/levies_import.py --practices 7000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lmc_bench .venv/bin/python bench/levies_import.py

Without DATABASE_URL it uses a throwaway SQLite file. --ages 96 makes the file as large as the
NHS single-year-of-age file (about 1.4 million rows for 7,000 practices). It creates the
practices (bulk_create, ODS codes Z00001...), writes the CSV in memory (each
practice's all-ages row plus rows for one sex, as in the NHS file), reads it
and applies it, then imports the same file again, which must change
nothing, then a file where every list size has changed. It prints rows per second and exits non-zero if any count is wrong.
Its own practices and list sizes are deleted afterwards.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PREFIX = "Z"
NAME = "Benchmark practice"
FILE_NAME = "bench-gp-reg-pat-prac-all.csv"
HEADER = "PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n"


def setup_django(temp_dir: str) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{temp_dir}/bench.sqlite3"
    # Read the file in this process (Celery eager), so the timing is the import's own.
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lmcportal.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def clean_up() -> None:
    from levies.models import ListSize, ListSizeImport
    from members.models import Practice

    ours = Practice.objects.filter(ods_code__startswith=PREFIX, name__startswith=NAME)
    ListSize.objects.filter(practice__in=ours).delete()
    ListSizeImport.objects.filter(file_name=FILE_NAME).delete()
    ours.delete()


def make_csv(count: int, ages: int, *, grown: int = 0) -> tuple[str, int, int]:
    """Return the CSV text, its number of data rows and the total of the all-ages rows."""
    lines, total = [HEADER], 0
    for n in range(1, count + 1):
        code, patients = f"{PREFIX}{n:05d}", 3_000 + (n * 7_919) % 15_000 + grown
        total += patients
        row = f"GP_PRAC_PAT_LIST,01OCT2026,GP,00R,E38000226,{code},PR1 2AB,"
        lines.append(f"{row}ALL,ALL,{patients}\n")
        lines.append(f"{row}FEMALE,ALL,{patients // 2}\n")
        lines.append(f"{row}MALE,ALL,{patients - patients // 2}\n")
        for age in range(ages):
            lines.append(f"{row}FEMALE,{age},{patients // 200}\n")
            lines.append(f"{row}MALE,{age},{patients // 200}\n")
    return "".join(lines), len(lines) - 1, total


def run(count: int, ages: int) -> list[str]:
    from django.db import connection, transaction
    from django.db.models import Sum

    from levies.models import ListSize
    from levies.services import list_size_import_apply, list_size_import_preview, list_size_import_start
    from members.models import Practice, User

    problems = []
    clean_up()
    started = time.perf_counter()
    Practice.objects.bulk_create(
        [Practice(name=f"{NAME} {n}", ods_code=f"{PREFIX}{n:05d}") for n in range(1, count + 1)], batch_size=1000
    )
    user, _ = User.objects.get_or_create(email="bench@lmc.example.org")
    text, rows, total = make_csv(count, ages)
    print(f"Database: {connection.vendor}. Set-up ({count:,} practices, {len(text) / 1e6:.1f} MB CSV): {time.perf_counter() - started:.2f}s")

    def import_once(label: str, text: str = text):
        t0 = time.perf_counter()
        with transaction.atomic():
            staged = list_size_import_start(upload=io.BytesIO(text.encode()), file_name=FILE_NAME, file_format="nhs",
                                            quarter=None, uploaded_by=user)  # fmt: skip
        staged.refresh_from_db()
        t1 = time.perf_counter()
        preview = list_size_import_preview(staged=staged)
        t2 = time.perf_counter()
        outcome = list_size_import_apply(import_id=staged.pk, applied_by=user)
        t3 = time.perf_counter()
        print(
            f"{label}: read {rows:,} rows in {t1 - t0:.2f}s ({rows / (t1 - t0):,.0f} rows/s); "
            f"preview {t2 - t1:.2f}s; apply {t3 - t2:.2f}s; total {t3 - t0:.2f}s ({rows / (t3 - t0):,.0f} rows/s); "
            f"{outcome.created:,} new, {outcome.updated:,} changed, {outcome.unchanged:,} unchanged"
        )
        if staged.status != "ready" or preview.bad_rows or preview.unknown:
            problems.append(f"{label}: status {staged.status}, {len(preview.bad_rows)} bad rows, {len(preview.unknown)} unknown")
        return outcome

    first = import_once("First import")
    if (first.created, first.updated, first.unchanged) != (count, 0, 0):
        problems.append(f"first import should create {count} list sizes, got {first}")
    saved = ListSize.objects.filter(practice__name__startswith=NAME, quarter_start="2026-10-01")
    if saved.count() != count or saved.aggregate(total=Sum("patients"))["total"] != total:
        problems.append("the saved list sizes do not match the file")
    second = import_once("Same file again")
    if (second.created, second.updated, second.unchanged) != (0, 0, count):
        problems.append(f"importing the same file again should change nothing, got {second}")
    text, _rows, total = make_csv(count, ages, grown=1)
    third = import_once("Every practice one patient more", text)
    if (third.created, third.updated, third.unchanged) != (0, count, 0) or saved.aggregate(total=Sum("patients"))["total"] != total:
        problems.append(f"a file with every list size changed should update them all, got {third}")
    clean_up()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--practices", type=int, default=7000, help="how many practices (default 7000, at most 99999)")
    parser.add_argument(
        "--ages", type=int, default=0,
        help="also write rows for each sex at ages 0 to N-1, like the NHS single-age file (default 0; 96 is the real file)",
    )  # fmt: skip
    args = parser.parse_args()
    if not 1 <= args.practices <= 99_999:
        parser.error("--practices must be between 1 and 99999")
    with tempfile.TemporaryDirectory() as temp_dir:
        setup_django(temp_dir)
        problems = run(args.practices, args.ages)
    for problem in problems:
        print(f"WRONG: {problem}", file=sys.stderr)
    print("Result: " + ("wrong" if problems else "correct"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
