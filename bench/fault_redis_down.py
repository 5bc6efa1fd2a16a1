"""Redis stops while members are submitting enquiries.

    .venv/bin/python -m bench.fault_redis_down            # 20 members: 10 s with Redis, 20 s without
    .venv/bin/python -m bench.fault_redis_down --short    # 10 members: 2 s with, 4 s without (CI)

Starts its own redis-server on a spare port (never the shared one), gunicorn
and a real Celery worker pointed at it, email written to files. Members log
in while Redis is up and submit enquiries; part-way through, that Redis is
killed. Later it is started again (empty: whatever was queued in it is lost),
and the outbox sweep runs until nothing is due.

The promises: every submission, with Redis up or down, is answered with its
reference and saved exactly once; afterwards every acknowledgement has been
sent, and sent exactly once (counted in the email files). Exits 1 if not.
"""

import argparse
import sys
import tempfile
import threading
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

SWEEP_ROUNDS = 20


def outbox_sweep() -> int:
    """Run the outbox sweep in-process (whatever the merged code calls it); return emails sent."""
    from mail import services

    sweep = getattr(services, "emails_deliver_due", None)
    if sweep is None:
        from mail.tasks import deliver_pending_emails as sweep
    return sweep()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--up-seconds", type=float, default=10)
    parser.add_argument("--down-seconds", type=float, default=20)
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--no-worker", action="store_true", help="no Celery worker: only the sweep sends")
    parser.add_argument("--database", default="lmc_bench_redis")
    args = parser.parse_args(argv)
    if args.short:
        args.members, args.up_seconds, args.down_seconds = 10, 2, 4

    mail_dir = Path(tempfile.mkdtemp(prefix="lmc_bench_mail_"))
    logs = Path(tempfile.gettempdir())
    redis = RedisServer()
    redis.start()
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "REDIS_URL": redis.url,
    }
    try:
        with bench_database(args.database, **env) as url:
            return run(args, url=url, env=env, redis=redis, mail_dir=mail_dir, logs=logs)
    finally:
        redis.stop()


def run(args, *, url, env, redis: RedisServer, mail_dir: Path, logs: Path) -> int:
    from contextlib import nullcontext

    from django.conf import settings
    from django.utils import timezone

    from bench import seed
    from bench.mailfiles import sends_per_reference, sent_messages
    from bench.submitting import log_in_all, saved_exactly_once, submit_paths, submit_until
    from enquiries.models import Enquiry
    from mail.models import OutboundEmail

    seed.seed(enquiries=0, practices=args.members)
    emails = [seed.member_email(n) for n in range(1, args.members + 1)]
    path, target = submit_paths()
    print(f"Redis fault: {args.members} members; {args.up_seconds:g} s with Redis, {args.down_seconds:g} s without")
    print(f"Submitting to {path} ({target}); email files in {mail_dir}", flush=True)
    phase = {"now": "redis up"}
    since = timezone.now()
    worker = nullcontext() if args.no_worker else celery_worker(
        env=child_env(database_url=url, **env), log_path=logs / "lmc_bench_redis_worker.log"
    )
    with worker, gunicorn(env=child_env(database_url=url, **env), log_path=logs / "lmc_bench_redis_gunicorn.log") as base:
        sessions, _ = log_in_all(base, emails, seed.PASSWORD)

        def outage():
            time.sleep(args.up_seconds)
            redis.stop()
            phase["now"] = "redis down"

        stopper = threading.Thread(target=outage, daemon=True)
        stopper.start()
        outcomes, elapsed = submit_until(
            sessions, base + path, seconds=args.up_seconds + args.down_seconds, phase_of=lambda: phase["now"]
        )
        stopper.join()
        redis.start()  # back, and empty
        phase["now"] = "redis back"
        time.sleep(2)  # let the worker reconnect, as it would in production
        # An email a task had claimed when Redis went away waits out the claim
        # timeout (bench settings: 5 s) before the sweep takes it over.
        time.sleep(settings.EMAIL_CLAIM_TIMEOUT_SECONDS + 1)
        swept = []
        for _ in range(SWEEP_ROUNDS):
            sent = outbox_sweep()
            swept.append(sent)
            if sent == 0:
                break
        time.sleep(2)  # anything the worker picked up finishes before it is stopped

    references = [r for o in outcomes for r in o.references]
    failures = [f for o in outcomes for f in o.failures]
    problems = saved_exactly_once(references=references, emails=emails, since=since)
    if failures:
        problems.insert(0, f"{len(failures)} submissions failed, e.g. {failures[0]}")
    rows = []
    for name in ("redis up", "redis down"):
        attempts = [ok for o in outcomes for p, ok, _ in o.attempts if p == name]
        post_ms = [ms for o in outcomes for p, _, ms in o.attempts if p == name and ms is not None]
        rows.append([name, sum(attempts), len(attempts) - sum(attempts), f"{percentile(post_ms, 50):.0f}",
                     f"{percentile(post_ms, 95):.0f}"])
        if name == "redis down" and not attempts:
            problems.append("no submission was made while Redis was down: lengthen --down-seconds")

    saved = Enquiry.objects.filter(reference__in=references)
    acks = {f"enquiry-ack:{pk}": ref for pk, ref in saved.values_list("pk", "reference")}
    outbox = dict(OutboundEmail.objects.filter(dedupe_key__in=acks).values_list("dedupe_key", "status"))
    unsent = [ref for key, ref in acks.items() if outbox.get(key) != OutboundEmail.Status.SENT]
    if unsent:
        problems.append(f"{len(unsent)} acknowledgements not sent after Redis came back, e.g. {unsent[:3]}")
    to_members = sends_per_reference(sent_messages(mail_dir), to_domain=seed.EMAIL_DOMAIN)
    never = [ref for ref in references if to_members[ref] == 0]
    twice = [ref for ref in references if to_members[ref] > 1]
    if never:
        problems.append(f"{len(never)} members got no acknowledgement email, e.g. {never[:3]}")
    if twice:
        problems.append(f"{len(twice)} members got their acknowledgement more than once, e.g. {twice[:3]}")

    print()
    print_table(["phase", "submitted", "failed", "POST p50 ms", "POST p95 ms"], rows)
    print(
        f"\n{len(references)} enquiries in {elapsed:.1f} s; outbox sweep after Redis returned sent {sum(swept)} "
        f"({len(swept)} rounds); acknowledgements: {sum(1 for r in references if to_members[r] == 1)} sent once, "
        f"{len(never)} never, {len(twice)} more than once."
    )
    if problems:
        for problem in problems:
            print(f"BROKEN: {problem}")
        return 1
    print("OK: submissions succeeded without Redis; every acknowledgement went out exactly once.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
