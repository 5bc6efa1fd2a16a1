"""Run the docker-compose stack's Celery half as real processes against the test database.

`CeleryStack` starts `celery -A lmcportal worker` and `celery -A lmcportal beat`
(DatabaseScheduler) as subprocesses with the environment a deployment would
give them: the test PostgreSQL database, Redis db from REDIS_URL, and a
file-based email backend whose files the test reads.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
MESSAGE_SEPARATOR = "-" * 79


def database_url() -> str:
    """The URL of the database this test is using (pytest-django's test_<name>)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class CeleryStack:
    def __init__(self, *, redis_url: str, workdir: Path):
        self.redis_url = redis_url
        self.workdir = workdir
        self.mail_dir = workdir / "mail"
        self.mail_dir.mkdir()
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lmcportal.settings.local",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }

    # --- processes -------------------------------------------------------
    def start_worker(self, name: str = "worker", **env: str) -> None:
        """Start a worker (environment overrides in `env`) and wait until it is consuming."""
        self._start(
            name,
            ["worker", "--loglevel=INFO", "--concurrency=2", "--without-gossip", "--without-mingle"],
            ["-n", f"lmc-test-{uuid.uuid4().hex[:8]}@%h"],
            env,
        )
        self.wait_for_log(name, "ready.", timeout=60)

    def start_beat(self) -> None:
        self._start(
            "beat",
            ["beat", "--loglevel=INFO", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
            ["--pidfile", str(self.workdir / "beat.pid")],
            {},
        )

    def kill(self, name: str) -> None:
        """SIGKILL a process and its pool children at once, as the OOM killer or a power cut would."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def _start(self, name: str, command: list[str], extra: list[str], env: dict[str, str]) -> None:
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 (the child process writes it until stop())
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lmcportal", *command, *extra],
            cwd=BASE_DIR,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so its pool children stop with it
        )

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL for anything still running: always leaves nothing behind."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):  # pool children left behind by a killed worker
                os.killpg(process.pid, signal.SIGKILL)

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def wait_for_log(self, name: str, text: str, *, timeout: float) -> None:
        self._wait(lambda: text in self.log(name), timeout, f"{name} never logged {text!r}")

    # --- email -------------------------------------------------------------
    def messages(self) -> list[str]:
        """Every message the processes have written, with folded headers unfolded."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_text().split(MESSAGE_SEPARATOR):
                if chunk.strip():
                    found.append(re.sub(r"\r?\n[ \t]+", " ", chunk))
        return found

    def wait_for_message(self, *texts: str, timeout: float = 60) -> str:
        """Return the one message containing all `texts`, waiting for it to arrive."""
        matching: list[str] = []

        def arrived() -> bool:
            matching[:] = [m for m in self.messages() if all(t in m for t in texts)]
            return bool(matching)

        self._wait(arrived, timeout, f"no email containing {texts!r}")
        return matching[0]

    def _wait(self, condition, timeout: float, failure: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise AssertionError(f"celery {name} exited ({process.returncode}):\n{self.log(name)[-3000:]}")
            time.sleep(0.5)
        logs = "\n".join(f"--- {name} ---\n{self.log(name)[-3000:]}" for name in self.processes)
        raise AssertionError(f"{failure} within {timeout}s\n{logs}")


def submission_form(client, url: str, **fields) -> dict[str, str]:
    """The enquiry form's hidden inputs (the idempotency token, whatever it is called) plus `fields`."""
    hidden = {}
    for tag in re.findall(r"<input[^>]*>", client.get(url).content.decode()):
        if 'type="hidden"' in tag and (name := re.search(r'name="([^"]+)"', tag)):
            value = re.search(r'value="([^"]*)"', tag)
            hidden[name.group(1)] = value.group(1) if value else ""
    return {**hidden, **fields}


def submit_url() -> str:
    """The member's enquiry form."""
    from django.urls import reverse

    return reverse("enquiries:submit")
