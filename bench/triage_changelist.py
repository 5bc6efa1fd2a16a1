"""How the hot pages and the reminder sweep grow with the number of enquiries.

    .venv/bin/python -m bench.triage_changelist                  # 1k, 10k and 100k
    .venv/bin/python -m bench.triage_changelist --sizes 1000 --requests 5

For each size it seeds a fresh bench database (bench.seed: 7,000 practices)
and, in-process with Django's test Client, measures:

- the triage changelist (/admin/enquiries/enquiry/, a non-superuser officer with TOTP),
- Django's admin with no customisation listing the same model,
- a bare Django view listing the same rows (the changelist's first page: one query, a tiny template),
- the members' enquiry list (the member with the most enquiries),
- the reminder sweep (enquiries.tasks.send_sla_reminders), run until it
  finds nothing to send: the first sweep, the whole backlog, and the sweep
  with nothing due (its cost should not grow with the table).

It prints SQL queries per request and p50/p95 milliseconds over K requests,
each page's p50 as a multiple of the bare view's, and the slowest query of
a request (printed in full when over --slow-sql ms). It exits 1 if a page
answers with an error or does not list what it should.
"""

import argparse
import sys
import time
from collections.abc import Callable

from bench.harness import (
    BrokenPromise,
    StatementCounter,
    bench_database,
    busiest_member_client,
    officer_client,
    page_figures,
    print_table,
)


def _busiest_member_client():
    from enquiries.models import Enquiry

    client, member = busiest_member_client()
    return client, list(Enquiry.objects.filter(submitted_by=member).values_list("reference", flat=True))


SWEEP_ROUNDS = 40
SWEEP_SECONDS = 600


def _timed_sweep(send_sla_reminders) -> dict:
    from django.db import connection

    counter = StatementCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        sent = send_sla_reminders()
        seconds = time.perf_counter() - started
    return {"sent": sent, "ms": seconds * 1000, "queries": counter.count}


def _sweep() -> dict:
    """Run the reminder sweep in-process until it finds nothing to send; time the first and the idle one."""
    from enquiries.tasks import send_sla_reminders

    runs = []
    deadline = time.monotonic() + SWEEP_SECONDS
    for _ in range(SWEEP_ROUNDS):
        runs.append(_timed_sweep(send_sla_reminders))
        if runs[-1]["sent"] == 0 or time.monotonic() > deadline:
            break
    drained = runs[:-1] if runs[-1]["sent"] == 0 else runs
    return {
        "first": runs[0],
        "drain": {
            "sweeps": len(drained),
            "sent": sum(r["sent"] for r in drained),
            "ms": sum(r["ms"] for r in drained),
            "queries": sum(r["queries"] for r in drained),
        },
        "idle": runs[-1] if runs[-1]["sent"] == 0 else None,
    }


def measure(size: int, *, requests: int, slow_sql: float = 0) -> list[list]:
    """Seed `size` enquiries and return table rows for that size."""
    from django.core import mail

    from bench.seed import seed
    from bench.views import bare_rows

    result = seed(enquiries=size, practices=7_000)
    print(f"  seeded {size:,} enquiries in {result.seconds:.1f} s ({result.rows_per_second:,.0f} rows/s)", flush=True)
    staff, _officer = officer_client()
    member, references = _busiest_member_client()
    rows = []
    bare = page_figures(staff, "/bench/bare/enquiries/", requests=requests)
    targets: list[tuple[str, Callable[[], dict]]] = [
        (f"bare view, {bare_rows()} rows", lambda: bare),
        ("Django admin, no customisation", lambda: page_figures(staff, "/bench/default-admin/enquiries/enquiry/", requests=requests)),
        ("triage changelist", lambda: _triage(staff, requests=requests)),
        ("triage changelist, breached", lambda: _triage(staff, requests=requests, query="?sla=breached")),
        ("triage changelist, PCN search", lambda: _triage(staff, requests=requests, query="?practice_pcn=Bench+PCN+17")),
        ("support overview", lambda: _triage(staff, requests=requests, query="overview/")),
        (
            f"member's enquiry list ({len(references)} enquiries)",
            lambda: page_figures(
                member,
                "/enquiries/",
                requests=requests,
                check=lambda page: bool(references) and references[0] in page,
            ),
        ),
    ]
    for name, run in targets:
        figures = run()
        ratio = figures["p50"] / bare["p50"] if bare["p50"] else 0
        rows.append(
            [f"{size:,}", name, figures["queries"], f"{figures['p50']:.1f}", f"{figures['p95']:.1f}", f"x{ratio:.1f}",
             f"{figures['slowest_ms']:.0f}"]
        )
        if slow_sql and figures["slowest_ms"] > slow_sql:
            print(f"  slowest query of {name} at {size:,}: {figures['slowest_ms']:.0f} ms: {figures['slowest_sql'][:400]}")
    mail.outbox = []
    sweep = _sweep()
    first, drain, idle = sweep["first"], sweep["drain"], sweep["idle"]
    rows.append([f"{size:,}", f"reminder sweep, first (sent {first['sent']})", first["queries"],
                 f"{first['ms']:.0f}", "", "", ""])
    rows.append([f"{size:,}", f"reminder backlog: {drain['sweeps']} sweeps sent {drain['sent']}",
                 drain["queries"], f"{drain['ms']:.0f}", "", "", ""])
    if idle is None:
        rows.append([f"{size:,}", "reminder sweep, nothing due", "", "", "", "backlog not drained in time", ""])
    else:
        rows.append([f"{size:,}", "reminder sweep, nothing due", idle["queries"], f"{idle['ms']:.1f}", "", "", ""])
    return rows


def _triage(client, *, requests: int, query: str = "") -> dict:
    from django.conf import settings

    return page_figures(client, f"/{settings.LMC_ADMIN_PATH}enquiries/enquiry/{query}", requests=requests)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated enquiry counts")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (K)")
    parser.add_argument("--short", action="store_true", help="1,000 enquiries, 5 requests (CI)")
    parser.add_argument("--database", default="lmc_bench")
    parser.add_argument("--keep-db", action="store_true", help="leave the bench database for inspection")
    parser.add_argument("--slow-sql", type=float, default=100, help="print any page's slowest query over this many ms")
    args = parser.parse_args(argv)
    sizes = [1000] if args.short else [int(s) for s in args.sizes.split(",")]
    requests = 5 if args.short else args.requests

    env = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "REDIS_URL": ""}
    with bench_database(args.database, keep=args.keep_db, **env) as url:
        from django.db import connection

        print(f"Triage benchmark on {connection.vendor} ({url.rsplit('/', 1)[-1]}), {requests} requests per page")
        rows = []
        for size in sizes:
            try:
                rows.extend(measure(size, requests=requests, slow_sql=args.slow_sql))
            except (AssertionError, BrokenPromise) as error:
                print(f"BROKEN: {error}")
                return 1
    print()
    print_table(["enquiries", "what", "queries", "p50 ms", "p95 ms", "p50 vs bare", "slowest SQL ms"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
