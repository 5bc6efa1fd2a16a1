"""50 members submitting enquiries at once, against gunicorn on PostgreSQL.

    .venv/bin/python -m bench.load_submit             # 50 members, 30 seconds
    .venv/bin/python -m bench.load_submit --short     # 50 members, 5 seconds (CI)

Starts gunicorn (bench settings: DEBUG off, the DATABASE_URL server's
`lmc_bench_load` database, email to memory) on a free 127.0.0.1 port, logs
the members in through the real login form, and has each submit enquiries
one after another (form GET, then POST) until the time is up.

The promise: every submission is answered with the confirmation (a redirect
carrying its LMS reference), and each is saved exactly once with a unique
reference. It prints throughput and p50/p95 latency, and exits 1 if the
promise is broken.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from bench.harness import bench_database, child_env, gunicorn, percentile, print_table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--short", action="store_true", help="5 seconds (CI)")
    parser.add_argument("--database", default="lmc_bench_load")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    seconds = 5 if args.short else args.seconds

    env = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "REDIS_URL": ""}
    with bench_database(args.database, keep=args.keep_db, **env) as url:
        from django.db import connection
        from django.utils import timezone

        from bench import seed
        from bench.submitting import log_in_all, saved_exactly_once, submit_paths, submit_until

        seed.seed(enquiries=0, practices=args.members)
        emails = [seed.member_email(n) for n in range(1, args.members + 1)]
        path, target = submit_paths()
        log = Path(tempfile.gettempdir()) / "lmc_bench_load_gunicorn.log"
        print(f"Load: {args.members} members, {seconds:g} s, gunicorn x{args.workers} on {connection.vendor}")
        print(f"Submitting to {path} ({target}); gunicorn log {log}", flush=True)
        since = timezone.now()
        with gunicorn(env=child_env(database_url=url, **env), workers=args.workers, log_path=log) as base_url:
            sessions, login_seconds = log_in_all(base_url, emails, seed.PASSWORD)
            print(f"{len(sessions)} members logged in at once in {login_seconds:.1f} s", flush=True)
            outcomes, elapsed = submit_until(sessions, base_url + path, seconds=seconds)

        references = [r for o in outcomes for r in o.references]
        failures = [f for o in outcomes for f in o.failures]
        post_ms = [t for o in outcomes for t in o.post_ms]
        form_ms = [t for o in outcomes for t in o.form_ms]
        problems = saved_exactly_once(references=references, emails=emails, since=since)
        if failures:
            problems.insert(0, f"{len(failures)} submissions were not answered with a confirmation, e.g. {failures[0]}")
        if not references:
            problems.append("no submission succeeded at all")

    print()
    print_table(
        ["submissions", "failed", "seconds", "per second", "POST p50 ms", "POST p95 ms", "form p50 ms", "form p95 ms"],
        [
            [
                len(references),
                len(failures),
                f"{elapsed:.1f}",
                f"{len(references) / elapsed:.1f}",
                f"{percentile(post_ms, 50):.0f}",
                f"{percentile(post_ms, 95):.0f}",
                f"{percentile(form_ms, 50):.0f}",
                f"{percentile(form_ms, 95):.0f}",
            ]
        ],
    )
    if problems:
        for problem in problems:
            print(f"BROKEN: {problem}")
        return 1
    print(f"OK: every submission answered; {len(references)} enquiries saved once each, references unique.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
