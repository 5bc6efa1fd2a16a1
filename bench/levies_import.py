"""Benchmark the list-size import: an NHS-format CSV for thousands of practices.

    .venv/bin/python bench/levies_import.py --practices 7000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lmc_bench .venv/bin/python bench/levies_import.py

Without DATABASE_URL it uses a throwaway SQLite file. --ages 96 makes the file as large as the
NHS single-year-of-age file (about 1.4 million rows for 7,000 practices). It creates the
practices (bulk_create, ODS codes X00001...), writes the CSV in memory (each
practice's all-ages row plus rows for one sex, as in the NHS file), reads it
and applies it, then imports the same file again, which must change
nothing, then a file where every list size has changed. It prints rows per second and exits non-zero if any count is wrong,
and under each import its CPU time per step (this process, and the PostgreSQL backend when the server is on
this machine) and its statements. Its own practices and list sizes are deleted afterwards.

`measure(practices=7000)` runs the same and returns the figures of the changed-sizes import as a dict
(read_seconds, preview_seconds, apply_seconds, changed_seconds, their *_cpu_seconds, rows, statements...),
for bench.scale.
"""

import argparse
import atexit
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Not Z: bench.seed owns Z00001.., and `measure()` may run on its database.
PREFIX = "X"
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


class Clock:
    """Wall time, this process's CPU time and, on a local PostgreSQL, the database backend's CPU time."""

    def __init__(self) -> None:
        from django.db import connection

        self.backend_stat: Path | None = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
            # Only when the server runs on this machine (and /proc lets us read it).
            self.backend_stat = stat if os.access(stat, os.R_OK) else None

    def database_cpu(self) -> float | None:
        if self.backend_stat is None:
            return None
        try:
            fields = self.backend_stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def now(self) -> tuple[float, float, float | None]:
        return time.perf_counter(), time.process_time(), self.database_cpu()


def _spent(before: tuple[float, float, float | None], after: tuple[float, float, float | None]) -> tuple[float, float, float | None]:
    database = None if before[2] is None or after[2] is None else after[2] - before[2]
    return after[0] - before[0], after[1] - before[1], database


def _import_once(text: str, user, clock: Clock) -> dict:
    """Upload, read, preview and apply `text`; return each step's times, the outcome and the statements."""
    from django.db import connection, transaction

    from levies.services import list_size_import_apply, list_size_import_preview, list_size_import_start

    statements = {"all": 0, "apply": 0}
    step = ["read"]

    def count(execute, sql, params, many, context):
        statements["all"] += 1
        statements["apply"] += step[0] == "apply"
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        t0 = clock.now()
        with transaction.atomic():
            staged = list_size_import_start(upload=io.BytesIO(text.encode()), file_name=FILE_NAME, file_format="nhs",
                                            quarter=None, uploaded_by=user)  # fmt: skip
        staged.refresh_from_db()
        t1 = clock.now()
        step[0] = "preview"
        preview = list_size_import_preview(staged=staged)
        t2 = clock.now()
        step[0] = "apply"
        outcome = list_size_import_apply(import_id=staged.pk, applied_by=user)
        t3 = clock.now()
    figures = {"staged": staged, "preview": preview, "outcome": outcome,
               "statements": statements["all"], "apply_statements": statements["apply"]}  # fmt: skip
    for name, before, after in (("read", t0, t1), ("preview", t1, t2), ("apply", t2, t3), ("total", t0, t3)):
        wall, cpu, database = _spent(before, after)
        figures |= {f"{name}_seconds": wall, f"{name}_cpu_seconds": cpu, f"{name}_database_cpu_seconds": database}
    return figures


def _run(count: int, ages: int, *, report) -> dict:
    """Run the three imports; call `report(line)` with each printed line; return the figures and any problems."""
    from django.db import connection
    from django.db.models import Sum

    from levies.models import ListSize
    from members.models import Practice, User

    problems = []
    clean_up()
    started = time.perf_counter()
    Practice.objects.bulk_create(
        [Practice(name=f"{NAME} {n}", ods_code=f"{PREFIX}{n:05d}") for n in range(1, count + 1)], batch_size=1000
    )
    user, _ = User.objects.get_or_create(email="bench@lmc.example.org")
    text, rows, total = make_csv(count, ages)
    report(f"Database: {connection.vendor}. Set-up ({count:,} practices, {len(text) / 1e6:.1f} MB CSV): {time.perf_counter() - started:.2f}s")
    clock = Clock()

    def import_once(label: str, text: str = text) -> dict:
        figures = _import_once(text, clock=clock, user=user)
        staged, preview, outcome = figures["staged"], figures["preview"], figures["outcome"]
        read, total_seconds = figures["read_seconds"], figures["total_seconds"]
        report(
            f"{label}: read {rows:,} rows in {read:.2f}s ({rows / read:,.0f} rows/s); "
            f"preview {figures['preview_seconds']:.2f}s; apply {figures['apply_seconds']:.2f}s; "
            f"total {total_seconds:.2f}s ({rows / total_seconds:,.0f} rows/s); "
            f"{outcome.created:,} new, {outcome.updated:,} changed, {outcome.unchanged:,} unchanged"
        )
        database = figures["total_database_cpu_seconds"]
        report(
            f"  CPU: read {figures['read_cpu_seconds']:.2f}s; preview {figures['preview_cpu_seconds']:.2f}s; "
            f"apply {figures['apply_cpu_seconds']:.2f}s; total {figures['total_cpu_seconds']:.2f}s (this process)"
            + (f", {database:.2f}s (database server)" if database is not None else "")
            + f"; {figures['statements']} statements, {figures['apply_statements']} to apply"
        )
        if staged.status != "ready" or preview.bad_rows or preview.unknown:
            problems.append(f"{label}: status {staged.status}, {len(preview.bad_rows)} bad rows, {len(preview.unknown)} unknown")
        return figures

    first = import_once("First import")["outcome"]
    if (first.created, first.updated, first.unchanged) != (count, 0, 0):
        problems.append(f"first import should create {count} list sizes, got {first}")
    saved = ListSize.objects.filter(practice__name__startswith=NAME, quarter_start="2026-10-01")
    if saved.count() != count or saved.aggregate(total=Sum("patients"))["total"] != total:
        problems.append("the saved list sizes do not match the file")
    same = import_once("Same file again")
    second = same["outcome"]
    if (second.created, second.updated, second.unchanged) != (0, 0, count):
        problems.append(f"importing the same file again should change nothing, got {second}")
    text, _rows, total = make_csv(count, ages, grown=1)
    changed = import_once("Every practice one patient more", text)
    third = changed["outcome"]
    if (third.created, third.updated, third.unchanged) != (0, count, 0) or saved.aggregate(total=Sum("patients"))["total"] != total:
        problems.append(f"a file with every list size changed should update them all, got {third}")
    clean_up()
    return {
        "database": connection.vendor,
        "practices": count,
        "rows": rows,
        **{key: changed[key] for key in ("read_seconds", "preview_seconds", "apply_seconds",
                                         "read_cpu_seconds", "preview_cpu_seconds", "apply_cpu_seconds",
                                         "statements", "apply_statements")},  # fmt: skip
        "changed_seconds": changed["total_seconds"],
        "changed_cpu_seconds": changed["total_cpu_seconds"],
        "changed_database_cpu_seconds": changed["total_database_cpu_seconds"],
        "same_file_seconds": same["total_seconds"],
        "problems": problems,
    }


def run(count: int, ages: int) -> list[str]:
    return _run(count, ages, report=print)["problems"]


def measure(*, practices: int = 7000, ages: int | None = None) -> dict:
    """Import a file for `practices` practices three times (new, the same, every size changed); return the figures.

    The step keys (read_seconds, preview_seconds, apply_seconds and their
    *_cpu_seconds, changed_seconds for the whole read, preview and apply,
    statements and apply_statements) are those of the changed-sizes import;
    changed_database_cpu_seconds is the PostgreSQL backend's CPU time when the
    server is on this machine (else None). `problems` lists every wrong count.
    Sets Django up (this script's way) unless the caller already has; the
    database must exist; the benchmark's own rows are deleted afterwards.
    """
    from django.apps import apps

    if not apps.ready:
        temp_dir = tempfile.mkdtemp(prefix="levies-import-")
        atexit.register(shutil.rmtree, temp_dir, ignore_errors=True)
        setup_django(temp_dir)
    return _run(practices, ages or 0, report=lambda line: None)


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
