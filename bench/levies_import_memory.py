"""Peak memory of the list-size import for a large file: the promise is at most 200 MB for 50 MB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.levies_import_memory
    ... --megabytes 50 --limit-mb 200      (the defaults)
    ... --short                            (a 5 MB file: what CI runs)

Each scenario runs in a fresh process against its own migrated database
(lmc_bench_import_memory, dropped afterwards), so its peak resident memory
(ru_maxrss) is the import's, with Django itself included:

- good: an NHS single-age-style file for 7,000 practices, read and previewed;
- bad rows: the same size, every data row with a number that is not a number;
- plain, bad rows: a two-column file of the same size, a different code and
  a bad number on every line (millions of rows that cannot be read);
- plain, unknown codes: the same with good numbers: millions of practices,
  which the import refuses once it passes 100,000.

The file is written to a temporary file on disk and handed to the import as
an open file, as Django hands over an upload larger than 2.5 MB. Prints the
file size, rows, time and peak memory per scenario; exits 1 when a scenario
peaks above the limit or ends in the wrong state.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import bench_database_url, database_drop, database_recreate, django_setup, print_table

DATABASE = "lmc_bench_import_memory"
PRACTICES = 7000
HEADER = "PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n"
# scenario -> the status the import must end in
# (a file naming millions of different practices is refused, naming the line)
SCENARIOS = {"good": "ready", "bad rows": "ready", "plain, bad rows": "ready", "plain, unknown codes": "failed"}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def ods_code(n: int) -> str:
    """The n-th of 36^5 codes in the ODS shape (a letter, then five letters or digits), none of them real."""
    digits = ""
    for _ in range(5):
        n, digit = divmod(n, 36)
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[digit] + digits
    return "Y" + digits


def write_plain_file(path: Path, *, megabytes: float, bad: bool) -> int:
    """Write an `ods_code,patients` file of about `megabytes` MB with a different code on every line."""
    target = int(megabytes * 1024 * 1024)
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        written = out.write("ods_code,patients\n")
        while written < target:
            rows += 1
            written += out.write(f"{ods_code(rows)},{'12x' if bad else 4000}\n")
    return rows


def write_file(path: Path, *, megabytes: float, bad: bool) -> int:
    """Write an NHS-format file of about `megabytes` MB; return its number of data rows."""
    target = int(megabytes * 1024 * 1024)
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        written = out.write(HEADER)
        age = 0
        while written < target:
            for n in range(1, PRACTICES + 1):
                prefix = f"GP_PRAC_PAT_LIST,01OCT2026,GP,00R,E38000226,Z{n:05d},PR1 2AB,"
                if age == 0:
                    line = f"{prefix}ALL,ALL,{'12x' if bad else 3000 + n}\n"
                else:
                    line = f"{prefix}{'FEMALE' if age % 2 else 'MALE'},{age // 2},{'n/a' if bad else 20}\n"
                written += out.write(line)
                rows += 1
                if written >= target:
                    break
            age += 1
    return rows


def child(scenario: str, database_url: str, megabytes: float) -> dict:
    django_setup(database_url=database_url, migrate=False, CELERY_BROKER_URL="", LOG_LEVEL="ERROR")
    from levies.models import ListSizeImport
    from levies.periods import Quarter
    from levies.services import list_size_import_preview, list_size_import_start
    from members.models import Practice, User

    Practice.objects.bulk_create(
        [Practice(name=f"Memory bench practice {n}", ods_code=f"Z{n:05d}") for n in range(1, PRACTICES + 1)],
        batch_size=1000,
        ignore_conflicts=True,
    )
    user, _ = User.objects.get_or_create(email="bench-memory@lmc.example.org")
    with tempfile.TemporaryDirectory() as temp_dir:
        path = Path(temp_dir) / "gp-reg-pat-prac-sing-age.csv"
        plain = scenario.startswith("plain")
        if plain:
            rows = write_plain_file(path, megabytes=megabytes, bad="bad" in scenario)
        else:
            rows = write_file(path, megabytes=megabytes, bad="bad" in scenario)
        size = path.stat().st_size
        before = peak_mb()
        started = time.perf_counter()
        with open(path, "rb") as upload:
            staged = list_size_import_start(
                upload=upload,
                file_name=path.name,
                file_format="plain" if plain else "nhs",
                quarter=Quarter(2026, 3) if plain else None,
                uploaded_by=user,
            )
        # No broker: the read ran in this process when the upload committed.
        staged = ListSizeImport.objects.defer("data").get(pk=staged.pk)
        preview = list_size_import_preview(staged=staged) if staged.status == "ready" else None
        seconds = time.perf_counter() - started
    return {
        "scenario": scenario,
        "megabytes": size / 1024 / 1024,
        "rows": rows,
        "seconds": seconds,
        "status": staged.status,
        "error": staged.error,
        "new": len(preview.new) if preview else 0,
        "bad_rows": staged.result.get("bad_rows_total", len(staged.result.get("bad_rows", []))),
        "before_mb": before,
        "peak_mb": peak_mb(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=50, help="size of the file to import (default 50)")
    parser.add_argument("--limit-mb", type=float, default=200, help="the most a scenario may peak at (default 200)")
    parser.add_argument("--short", action="store_true", help="a 5 MB file (what CI runs)")
    parser.add_argument("--database", default=DATABASE, help=f"the throwaway database (default {DATABASE})")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    megabytes = 5 if args.short else args.megabytes

    if args.child:
        print(json.dumps(child(args.child, args.database_url, megabytes)))
        return 0

    url = bench_database_url(args.database)
    database_recreate(url)
    results, problems = [], []
    try:
        django_setup(database_url=url)  # migrate once; each scenario is a fresh process
        from django.db import connections

        connections.close_all()
        for scenario, expected in SCENARIOS.items():
            out = subprocess.run(
                [sys.executable, "-m", "bench.levies_import_memory", "--child", scenario, "--database-url", url,
                 "--megabytes", str(megabytes)],
                cwd=ROOT, capture_output=True, text=True, timeout=1800,
            )  # fmt: skip
            if out.returncode != 0:
                problems.append(f"{scenario}: the import process failed:\n{out.stderr[-3000:]}")
                continue
            result = json.loads(out.stdout.strip().splitlines()[-1])
            results.append(result)
            if result["status"] != expected:
                problems.append(f"{scenario}: ended {result['status']} ({result['error']}), expected {expected}")
            if result["peak_mb"] > args.limit_mb:
                problems.append(f"{scenario}: peaked at {result['peak_mb']:.0f} MB, above {args.limit_mb:.0f} MB")
    finally:
        database_drop(url)
    print_table(
        ["scenario", "file MB", "rows", "seconds", "status", "new", "bad rows", "RSS before MB", "peak RSS MB"],
        [
            [r["scenario"], f"{r['megabytes']:.1f}", f"{r['rows']:,}", f"{r['seconds']:.1f}", r["status"], r["new"],
             f"{r['bad_rows']:,}", f"{r['before_mb']:.0f}", f"{r['peak_mb']:.0f}"]
            for r in results
        ],
    )  # fmt: skip
    for problem in problems:
        print(f"BROKEN: {problem}", file=sys.stderr)
    print(f"Result: {'broken' if problems else 'every scenario within'} {args.limit_mb:.0f} MB")
    return 1 if problems else 0


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.exit(main())
