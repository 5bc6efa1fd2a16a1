"""Where a submission's CPU goes, in one process: the form GET and the POST under cProfile.

    .venv/bin/python -m bench.profile_submit                 # 200 submissions, top 25 by own time
    .venv/bin/python -m bench.profile_submit -n 500 --sort cumulative --top 60

Uses the bench settings (DEBUG off) on a throwaway `lmc_bench_profile`
database, one logged-in member, and Django's test Client (no network, no
gunicorn: only the portal's own code is measured). Prints the CPU time
(time.process_time) per form GET and per POST, the statements per POST, and
the profile's top functions.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time

from bench.harness import bench_database


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="submissions to profile")
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--database", default="lmc_bench_profile")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--filter", help="only functions whose file:line(name) matches this regular expression")
    parser.add_argument("--no-profile", action="store_true", help="CPU times only")
    args = parser.parse_args(argv)

    # As in production, the emails go to Redis for a worker (none runs here:
    # the queue is emptied afterwards), so their delivery is not counted.
    env = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "REDIS_URL": args.redis}
    with bench_database(args.database, **env):
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from bench import seed
        from bench.submitting import _form_data, submit_paths

        seed.seed(enquiries=0, practices=2)
        client = Client()
        if not client.login(email=seed.member_email(1), password=seed.PASSWORD):
            raise RuntimeError("the bench member could not log in")
        path, _ = submit_paths()
        rng = random.Random(1)

        def once(statements: list[int]) -> tuple[float, float]:
            started = time.process_time()
            page = client.get(path)
            form_cpu = time.process_time() - started
            data = _form_data(rng, page.content.decode())
            started = time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = client.post(path, data)
            post_cpu = time.process_time() - started
            if response.status_code != 302:
                raise RuntimeError(f"POST answered {response.status_code}")
            statements.append(len(queries))
            return form_cpu, post_cpu

        warm: list[int] = []
        for _ in range(20):
            once(warm)
        statements: list[int] = []
        profiler = None if args.no_profile else cProfile.Profile(time.process_time)  # CPU, not waits
        form_total = post_total = 0.0
        if profiler:
            profiler.enable()
        for _ in range(args.n):
            form_cpu, post_cpu = once(statements)
            form_total += form_cpu
            post_total += post_cpu
        if profiler:
            profiler.disable()
        print(
            f"{args.n} submissions{' under cProfile' if profiler else ''}: "
            f"form GET {form_total / args.n * 1000:.1f} ms CPU, POST {post_total / args.n * 1000:.1f} ms CPU, "
            f"{max(statements)} statements per POST (with the session, login and middleware)"
        )
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(*( [args.filter] if args.filter else []), args.top)
            print(out.getvalue())
        from lmcportal.celery import app

        app.control.purge()
    return 0


if __name__ == "__main__":
    sys.exit(main())
