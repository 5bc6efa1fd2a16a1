"""A Celery worker is killed (SIGKILL) in the middle of the reminder sweep.

    .venv/bin/python -m bench.fault_worker_killed            # 2,000 overdue enquiries
    .venv/bin/python -m bench.fault_worker_killed --short    # 300 (CI)

Seeds enquiries whose first contact is overdue, so each is due a "breached"
reminder. Starts its own redis-server on a spare port and a real `celery
worker` on it, sending email to files with a small delay per message (as SMTP
would), and queues `enquiries.tasks.send_sla_reminders`. When some but not
all reminders have been written, the worker and its children are killed with
SIGKILL. Then, with the clock moved past the outbox's claim timeout, sweeps
run in-process (reminder sweep, then outbox sweep) until nothing is left.

The promise: every reminder sent exactly once: one Reminder row per overdue
enquiry, and exactly one email per Reminder row in the email files. Exits 1
if any is lost or doubled. Needs the reminders (enquiries.tasks and
enquiries.models.Reminder): without them it says so and stops (exit 0 with
--short, 2 otherwise).
"""

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.harness import RedisServer, bench_database, celery_worker, child_env, kill_hard, print_table

KILL_AFTER_FRACTION = 0.15
SWEEP_ROUNDS = 50


def _seed_overdue(count: int) -> list[str]:
    """Insert `count` submitted enquiries, unassigned, whose first contact was due yesterday; return references."""
    from django.utils import timezone

    from bench import seed

    seed.seed(enquiries=0, practices=50)
    from members.models import Membership

    members = list(Membership.objects.filter(practice__ods_code__startswith=seed.ODS_PREFIX).values_list(
        "practice_id", "user_id"))
    now = timezone.now()
    rows = []
    for n in range(count):
        practice_id, user_id = members[n % len(members)]
        submitted_at = now - timedelta(days=9, minutes=n)
        rows.append(
            dict(
                practice_id=practice_id, scope="practice", pcn_id=None, topic="partnership", urgent=False,
                urgent_reason="", summary="Partners in dispute over the rota", details=seed.DETAILS,
                preferred_contact_times="", contact_phone="", submitted_by_id=user_id, submitted_at=submitted_at,
                sla_started_at=submitted_at, first_contact_due_at=now - timedelta(days=1, minutes=n),
                first_contact_at=None, first_contact_method="", status="submitted", assigned_to_id=None, plan="",
                outcome="", closed_at=None, updated_at=now,
            )
        )
    seed._number(rows, now=now)
    seed._insert_enquiries(rows)
    return [row["reference"] for row in rows]


def _claim_timeout(mail_services) -> timedelta:
    return mail_services.claim_timeout()


def _messages_written(mail_dir: Path) -> int:
    from bench.mailfiles import SEPARATOR

    return sum(path.read_text(errors="replace").count(SEPARATOR) for path in mail_dir.glob("*.log"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enquiries", type=int, default=2000, help="overdue enquiries, one reminder each")
    parser.add_argument("--email-delay", type=float, default=0.02, help="seconds per email in the worker")
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--database", default="lmc_bench_worker")
    args = parser.parse_args(argv)
    if args.short:
        args.enquiries = 300

    mail_dir = Path(tempfile.mkdtemp(prefix="lmc_bench_reminders_"))
    env = {
        "EMAIL_BACKEND": "bench.mailfiles.SlowFileEmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    with RedisServer() as redis:
        env["REDIS_URL"] = redis.url
        with bench_database(args.database, **env) as url:
            return run(args, url=url, env=env, mail_dir=mail_dir)


def run(args, *, url: str, env: dict, mail_dir: Path) -> int:
    import time_machine
    from django.utils import timezone

    from bench.fault_redis_down import outbox_sweep
    from bench.mailfiles import sends_per_reference, sent_messages
    from enquiries.models import Reminder
    from enquiries.tasks import send_sla_reminders
    from mail import services as mail_services
    from mail.models import OutboundEmail

    references = _seed_overdue(args.enquiries)
    print(f"Worker kill: {len(references)} overdue enquiries; worker email delay {args.email_delay} s; "
          f"email files in {mail_dir}", flush=True)
    worker_env = child_env(database_url=url, BENCH_EMAIL_DELAY=str(args.email_delay), **env)
    log = Path(tempfile.gettempdir()) / "lmc_bench_worker_killed.log"
    target = max(1, int(min(len(references), 500) * KILL_AFTER_FRACTION))
    with celery_worker(env=worker_env, log_path=log) as worker:
        send_sla_reminders.delay()
        deadline = time.monotonic() + 120
        while _messages_written(mail_dir) < target and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        kill_hard(worker)
    before_kill = _messages_written(mail_dir)
    at_kill = {
        "reminders": Reminder.objects.count(),
        "sending": OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING).count(),
        "pending": OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count(),
    }
    problems = []
    if before_kill == 0:
        problems.append(f"the worker sent nothing in 120 s (see {log})")
    if before_kill >= len(references):
        problems.append("the sweep finished before the kill: raise --enquiries or --email-delay")

    later = timezone.now() + _claim_timeout(mail_services) + timedelta(minutes=1)
    rounds = 0
    with time_machine.travel(later, tick=True):
        for attempt in range(1, SWEEP_ROUNDS + 1):
            rounds = attempt
            sent = send_sla_reminders() + outbox_sweep()
            if sent == 0:
                break
    after = _messages_written(mail_dir)

    reminders = list(Reminder.objects.select_related("enquiry").values_list("enquiry__reference", "kind"))
    per_reference_rows: dict[str, int] = {}
    for reference, _ in reminders:
        per_reference_rows[reference] = per_reference_rows.get(reference, 0) + 1
    sends = sends_per_reference(sent_messages(mail_dir))
    lost = [r for r in references if per_reference_rows.get(r, 0) == 0]
    unsent = [r for r, n in per_reference_rows.items() if sends[r] < n]
    doubled = [r for r, n in per_reference_rows.items() if sends[r] > n]
    if lost:
        problems.append(f"{len(lost)} overdue enquiries never got a reminder, e.g. {lost[:3]}")
    if unsent:
        problems.append(f"{len(unsent)} reminders recorded but their email never sent, e.g. {unsent[:3]}")
    if doubled:
        problems.append(f"{len(doubled)} reminders emailed more than once, e.g. {doubled[:3]}")

    print()
    print_table(
        ["overdue", "sent before kill", "in flight at kill", "queued at kill", "reminder rows", "emails",
         "sweeps after", "lost", "doubled"],
        [[len(references), before_kill, at_kill["sending"], at_kill["pending"], len(reminders), after, rounds,
          len(lost) + len(unsent), len(doubled)]],
    )
    if problems:
        for problem in problems:
            print(f"BROKEN: {problem}")
        return 1
    print("OK: the killed sweep's reminders were each sent exactly once.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
