"""Shared plumbing for the bench scripts: a throwaway database, Django set-up,
gunicorn and a private Redis as child processes, figures and tables.

Every process started here is stopped here (context managers), and every
network address is 127.0.0.1.
"""

import html.parser
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REFERENCE_RE = re.compile(r"LMS-\d{4}-\d{5}")


class BrokenPromise(Exception):
    """A promise the portal makes was broken: the script exits non-zero."""


# --- Database -------------------------------------------------------------------


def bench_database_url(name: str, *, base_url: str | None = None) -> str:
    """Return the URL of the database `name` on the server DATABASE_URL names.

    With no PostgreSQL URL in the environment, a SQLite file in the temp dir.
    """
    base_url = base_url or os.environ.get("DATABASE_URL", "")
    if base_url.startswith(("postgres", "postgresql", "psql")):
        parts = urlsplit(base_url)
        return urlunsplit(parts._replace(path="/" + name))
    return f"sqlite:///{Path(tempfile.gettempdir()) / (name + '.sqlite3')}"


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres", "postgresql", "psql"))


def _admin_connection(url: str):
    import psycopg2

    parts = urlsplit(url)
    conn = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn


def database_recreate(url: str) -> None:
    """Drop and create the database at `url` (empty; migrate it afterwards)."""
    if is_postgres(url):
        name = urlsplit(url).path.lstrip("/")
        conn = _admin_connection(url)
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        conn.close()
    else:
        Path(urlsplit(url).path).unlink(missing_ok=True)


def database_drop(url: str) -> None:
    if is_postgres(url):
        name = urlsplit(url).path.lstrip("/")
        conn = _admin_connection(url)
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()
    else:
        Path(urlsplit(url).path).unlink(missing_ok=True)


def django_setup(*, database_url: str, migrate: bool = True, **env: str) -> None:
    """Point Django at `database_url` with the bench settings, set it up and migrate.

    `env` sets more environment variables first (EMAIL_BACKEND, REDIS_URL...).
    Call once per process, before importing models.
    """
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


@contextmanager
def bench_database(name: str, *, keep: bool = False, **env: str):
    """A fresh, migrated database for one script run; dropped afterwards unless `keep`."""
    url = bench_database_url(name)
    database_recreate(url)
    django_setup(database_url=url, **env)
    try:
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            database_drop(url)


# --- Figures ----------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Return the `pct` percentile of `values` (nearest rank); 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def print_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)))
    sys.stdout.flush()


# --- Requests in-process ---------------------------------------------------------

OFFICER_EMAIL = "bench-officer@lmc.example.org"


def officer_client():
    """A logged-in Django test client for a non-superuser officer with TOTP; return (client, user).

    The officer is in the groups "LMC officers" and "Triage lead", as the
    person working the triage dashboard is: staff rights come from groups,
    never from is_superuser.
    """
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group
    from django.test import Client

    from members.groups import OFFICERS, TRIAGE_LEAD
    from members.models import User

    user, created = User.objects.get_or_create(
        email=OFFICER_EMAIL, defaults={"is_staff": True, "first_name": "Bench", "last_name": "Officer"}
    )
    if created:
        user.groups.set(Group.objects.filter(name__in=[OFFICERS, TRIAGE_LEAD]))
        TOTP.activate(user, generate_totp_secret())  # staff reach the admin only with an authenticator
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client, user


def busiest_member_client():
    """A logged-in Django test client for the bench member who sent the most enquiries; return (client, user)."""
    from django.db.models import Count
    from django.test import Client

    from bench.seed import EMAIL_DOMAIN
    from members.models import User

    member = (
        User.objects.filter(email__endswith="@" + EMAIL_DOMAIN, is_staff=False)
        .annotate(sent=Count("submitted_enquiries"))
        .order_by("-sent")
        .first()
    )
    client = Client(raise_request_exception=False)
    client.force_login(member)
    return client, member


def page_figures(client, url: str, *, requests: int, check=None) -> dict:
    """Time `requests` GETs of `url` after a warm-up; count the queries of one and find its slowest.

    `check(page_text)` must hold for the warm-up's page. Raise BrokenPromise
    if a request answers with anything but 200.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(url)
    if first.status_code != 200:
        raise BrokenPromise(f"{url} answered {first.status_code}")
    if check is not None and not check(first.content.decode()):
        raise BrokenPromise(f"{url} did not list what it should")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Read now: the next request clears the log these come from.
    query_count = len(queries)
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]), default={"time": "0", "sql": ""})
    times, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            raise BrokenPromise(f"{url} answered {response.status_code}")
    return {
        "queries": query_count,
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        # Django's own CPU (this process: the client is thin), steadier than wall time on a busy machine.
        "cpu_p50": percentile(cpu, 50),
        "slowest_ms": float(slowest["time"]) * 1000,
        "slowest_sql": slowest["sql"],
    }


class StatementCounter:
    """Count every statement on a connection (CaptureQueriesContext stops at 9,000): `connection.execute_wrapper(c)`."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


# --- Processes --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def _still_ours(process: subprocess.Popen, port: int) -> None:
    """Fail if `process` died just after something answered on `port`: another program holds the port."""
    time.sleep(0.3)
    if process.poll() is not None:
        raise RuntimeError(f"127.0.0.1:{port} answered but our process exited ({process.returncode}): port taken")


def _stop(process: subprocess.Popen, *, sig=signal.SIGTERM, timeout: float = 10) -> None:
    """Stop `process` and its process group (started with start_new_session)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


def child_env(*, database_url: str, **extra: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_", "CELERY_", "EMAIL_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@contextmanager
def gunicorn(*, env: dict, workers: int = 4, threads: int = 1, log_path: Path | None = None):
    """Run the portal under gunicorn on a free 127.0.0.1 port; yield its base URL. Always stopped."""
    port = free_port()
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115 (closed in the finally below)
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "lmcportal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_port(port, timeout=60, process=process)
        _still_ours(process, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)
        if log_path:
            log.close()


class RedisServer:
    """A private redis-server on a spare 127.0.0.1 port that a script may stop and start.

    Never the shared server on 6379: this one is ours to break.
    """

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_port(self.port, timeout=10, process=self.process)
        # A random port may belong to someone else's Redis (with their keys): make sure it is ours.
        _still_ours(self.process, self.port)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, sig=signal.SIGKILL)
            self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


@contextmanager
def celery_worker(*, env: dict, log_path: Path | None = None, concurrency: int = 1):
    """Run a real `celery worker` for the portal; yield its Popen (the caller may kill it)."""
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115 (closed in the finally below)
    process = subprocess.Popen(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "lmcportal",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        _stop(process, timeout=15)
        if log_path:
            log.close()


def kill_hard(process: subprocess.Popen) -> None:
    """SIGKILL a process started with start_new_session, and all its children."""
    _stop(process, sig=signal.SIGKILL)


# --- HTML -------------------------------------------------------------------------


class _FormParser(html.parser.HTMLParser):
    def __init__(self, form_id_or_action: str | None):
        super().__init__()
        self.wanted = form_id_or_action
        self.in_form = False
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.in_form = True
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif tag == "input" and self.in_form and attrs.get("type", "text").lower() == "hidden" and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def hidden_fields(page: str) -> dict[str, str]:
    """Return the hidden inputs of the page's POST forms (CSRF token, submission token...).

    When several POST forms are on the page (a logout button in the navbar),
    the form with the most hidden fields wins: the one we are filling in.
    """
    parser = _FormParser(None)
    parser.feed(page)
    if not parser.forms:
        return {}
    return max(parser.forms, key=lambda f: len(f["fields"]))["fields"]
