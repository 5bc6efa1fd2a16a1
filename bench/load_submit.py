"""50 members submitting enquiries at once, against gunicorn, Redis and a Celery worker on PostgreSQL.

    .venv/bin/python -m bench.load_submit             # 50 members, 30 seconds
    .venv/bin/python -m bench.load_submit --short     # 50 members, 5 seconds (CI)

Production-like: gunicorn (bench settings: DEBUG off, the DATABASE_URL
server's `lmc_bench_load` database), a private redis-server as the cache and
Celery's broker, and a real Celery worker delivering the acknowledgements
(to memory). The members log in through the real login form, then each
submits enquiries one after another (form GET, then POST) until the time is
up. The load generator is one asyncio loop (bench.submitting's light
client), so it leaves the two cores to the portal.

Figures: throughput and p50/p95 latency; the server's CPU per submission,
from the gunicorn workers' own CPU time (/proc/<pid>/stat, utime + stime,
over the run, divided by the submissions); the Celery worker's and the load
generator's CPU the same way; and the statements one POST takes (counted
in-process with Django's test Client after the run, session and login
included).

The promise: every submission is answered with the confirmation (a redirect
carrying its LMS reference), and each is saved exactly once with a unique
reference. It prints the table, and exits 1 if the promise is broken.
"""

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import (
    RedisServer,
    bench_database,
    celery_worker,
    child_env,
    gunicorn,
    percentile,
    print_table,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) process `pid` has used so far, 0.0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After "pid (comm)": state is fields[0], utime fields[11], stime fields[12].
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children_of(pid: int) -> list[int]:
    """Return the pids whose parent is `pid` (gunicorn's workers, Celery's pool)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry))
    return found


def _ours(program: str) -> list[int]:
    """Return the pids of this process's children running `program` (the gunicorn master)."""
    found = []
    for pid in children_of(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if program.encode() in cmdline.read():
                    found.append(pid)
        except OSError:
            continue
    return found


def _cpu_of(pids: list[int]) -> dict[int, float]:
    return {pid: process_cpu_seconds(pid) for pid in pids}


def _cpu_used(before: dict[int, float], pids: list[int]) -> float:
    after = _cpu_of(pids)
    return sum(after[pid] - before.get(pid, 0.0) for pid in pids)


def statements_per_post(email: str, password: str) -> int:
    """Return the statements one submission's POST takes, session and login included (in-process)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.submitting import _form_data, submit_paths

    client = Client()
    if not client.login(email=email, password=password):
        raise RuntimeError(f"{email} could not log in")
    path, _ = submit_paths()
    rng = random.Random(0)
    client.post(path, _form_data(rng, client.get(path).content.decode()))  # warm: the year's counter exists
    data = _form_data(rng, client.get(path).content.decode())
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, data)
    if response.status_code != 302:
        raise RuntimeError(f"the counted POST answered {response.status_code}")
    return len(queries)


def measure(
    *,
    members: int = 50,
    seconds: float = 20,
    workers: int = 4,
    database: str = "lmc_bench_load",
    keep_db: bool = False,
    verbose: bool = False,
    rate: float | None = None,
) -> dict:
    """Run the load and return its figures (see the keys below); `problems` lists broken promises.

    With `rate`, the members submit `rate` times a second in all, on a
    schedule (see bench.submitting.light_submit_until); without, each as fast
    as they are answered.

    Needs a fresh process (it sets Django up on its own database). Keys:
    submissions, failed, seconds, per_second, post_p50_ms, post_p95_ms,
    form_p50_ms, form_p95_ms, server_cpu_ms_per_submission,
    celery_cpu_ms_per_submission, generator_cpu_ms_per_submission,
    statements_per_post, login_seconds, problems.
    """
    from bench.submitting import light_log_in_all, light_submit_until, saved_exactly_once, submit_paths

    if shutil.which("redis-server") is None:
        raise RuntimeError("redis-server is not installed: the load runs production-like, with Redis and a worker")
    say = print if verbose else (lambda *a, **k: None)
    with RedisServer() as redis:
        env = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "REDIS_URL": redis.url}
        with bench_database(database, keep=keep_db, **env) as url:
            from django.db import connection
            from django.utils import timezone

            from bench import seed

            seed.seed(enquiries=0, practices=members + 1)  # the last member is for counting statements
            emails = [seed.member_email(n) for n in range(1, members + 1)]
            path, target = submit_paths()
            logs = Path(tempfile.gettempdir())
            pace = f"{rate:g} submissions a second in all" if rate else "each as fast as they are answered"
            say(f"Load: {members} members ({pace}), {seconds:g} s, gunicorn x{workers}, Redis and a Celery worker, "
                f"on {connection.vendor}")
            say(f"Submitting to {path} ({target}); logs {logs}/lmc_bench_load_*.log", flush=True)
            connection.close()
            since = timezone.now()
            server_env = child_env(database_url=url, **env)
            with (
                celery_worker(env=server_env, log_path=logs / "lmc_bench_load_celery.log") as worker,
                gunicorn(env=server_env, workers=workers, log_path=logs / "lmc_bench_load_gunicorn.log") as base_url,
            ):
                logged_in, login_seconds = asyncio.run(light_log_in_all(base_url, emails, seed.PASSWORD))
                say(f"{len(logged_in)} members logged in in {login_seconds:.1f} s", flush=True)
                gunicorn_pids = [p for master in _ours("gunicorn") for p in children_of(master)]
                celery_pids = [worker.pid, *children_of(worker.pid)]
                server_before, celery_before = _cpu_of(gunicorn_pids), _cpu_of(celery_pids)
                generator_before = time.process_time()
                outcomes, elapsed = asyncio.run(light_submit_until(base_url, path, logged_in, seconds=seconds, rate=rate))
                generator_cpu = time.process_time() - generator_before
                server_cpu = _cpu_used(server_before, gunicorn_pids)
                # The worker finishes the run's emails after the last POST: give it a moment.
                time.sleep(min(5.0, seconds / 4))
                celery_cpu = _cpu_used(celery_before, celery_pids)

            references = [r for o in outcomes for r in o.references]
            failures = [f for o in outcomes for f in o.failures]
            post_ms = [t for o in outcomes for t in o.post_ms]
            form_ms = [t for o in outcomes for t in o.form_ms]
            problems = saved_exactly_once(references=references, emails=emails, since=since)
            if failures:
                problems.insert(0, f"{len(failures)} submissions were not answered with a confirmation, e.g. {failures[0]}")
            if not references:
                problems.append("no submission succeeded at all")
            statements = statements_per_post(seed.member_email(members + 1), seed.PASSWORD)

    done = max(len(references), 1)
    return {
        "submissions": len(references),
        "failed": len(failures),
        "seconds": elapsed,
        # On a schedule, what was sent in the scheduled window (the last few
        # are answered just after it); as fast as answered, over the whole run.
        "per_second": len(references) / (seconds if rate else elapsed) if elapsed else 0.0,
        "post_p50_ms": percentile(post_ms, 50),
        "post_p95_ms": percentile(post_ms, 95),
        "form_p50_ms": percentile(form_ms, 50),
        "form_p95_ms": percentile(form_ms, 95),
        "server_cpu_ms_per_submission": server_cpu * 1000 / done,
        "celery_cpu_ms_per_submission": celery_cpu * 1000 / done,
        "generator_cpu_ms_per_submission": generator_cpu * 1000 / done,
        "statements_per_post": statements,
        "rate": rate,
        "login_seconds": login_seconds,
        "problems": problems,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--rate", type=float, help="submissions a second in all, on a schedule (default: as fast as answered)")
    parser.add_argument("--short", action="store_true", help="5 seconds (CI)")
    parser.add_argument("--database", default="lmc_bench_load")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(
        members=args.members,
        seconds=5 if args.short else args.seconds,
        workers=args.workers,
        database=args.database,
        keep_db=args.keep_db,
        verbose=True,
        rate=args.rate,
    )
    print()
    print_table(
        ["submissions", "failed", "seconds", "per second", "POST p50 ms", "POST p95 ms", "form p50 ms", "form p95 ms"],
        [
            [
                figures["submissions"],
                figures["failed"],
                f"{figures['seconds']:.1f}",
                f"{figures['per_second']:.1f}",
                f"{figures['post_p50_ms']:.0f}",
                f"{figures['post_p95_ms']:.0f}",
                f"{figures['form_p50_ms']:.0f}",
                f"{figures['form_p95_ms']:.0f}",
            ]
        ],
    )
    print()
    print_table(
        ["CPU ms per submission:", "gunicorn workers", "Celery worker", "load generator", "statements per POST"],
        [
            [
                "",
                f"{figures['server_cpu_ms_per_submission']:.1f}",
                f"{figures['celery_cpu_ms_per_submission']:.1f}",
                f"{figures['generator_cpu_ms_per_submission']:.1f}",
                figures["statements_per_post"],
            ]
        ],
    )
    if figures["problems"]:
        for problem in figures["problems"]:
            print(f"BROKEN: {problem}")
        return 1
    print(f"OK: every submission answered; {figures['submissions']} enquiries saved once each, references unique.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
