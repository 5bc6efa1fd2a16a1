"""The load, fault and benchmark scripts in their short form (a few seconds of load each).

Each script starts real processes (gunicorn, redis-server, a Celery worker)
and exits non-zero when a promise is broken; these tests run them as CI would
and show their figures on failure. Each uses its own database on the
DATABASE_URL server, named after the test database so parallel runs do not
collide.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
needs_redis_server = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server installed")


def run_short(module: str, suffix: str, *more: str) -> subprocess.CompletedProcess:
    database = (urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/") or "lmc") + "_" + suffix
    return subprocess.run(
        [sys.executable, "-m", module, "--short", "--database", database, *more],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def figures(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr[-4000:]}"


@pytest.mark.integration
@pytest.mark.postgres
def test_fifty_members_submitting_at_once_each_get_one_saved_enquiry_with_a_unique_reference():
    result = run_short("bench.load_submit", "load")
    assert result.returncode == 0, figures(result)
    assert "OK: every submission answered" in result.stdout, figures(result)


@pytest.mark.integration
@pytest.mark.postgres
def test_members_submitting_on_a_schedule_are_all_answered_at_the_rate_asked():
    result = run_short("bench.load_submit", "paced", "--rate", "20")
    assert result.returncode == 0, figures(result)
    assert "50 members (20 submissions a second in all)" in result.stdout, figures(result)
    assert "OK: every submission answered" in result.stdout, figures(result)
    saved = int(re.search(r"OK: every submission answered; (\d+) enquiries saved", result.stdout).group(1))
    # 20 a second for the 5 seconds of --short: each of the 50 members twice.
    assert saved == 100, figures(result)


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.redis
@needs_redis_server
def test_submissions_succeed_while_redis_is_down_and_every_acknowledgement_goes_out_once():
    result = run_short("bench.fault_redis_down", "redis")
    assert result.returncode == 0, figures(result)
    assert "OK: submissions succeeded without Redis" in result.stdout, figures(result)


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.redis
@needs_redis_server
def test_reminders_killed_mid_sweep_are_each_sent_exactly_once():
    result = run_short("bench.fault_worker_killed", "worker")
    assert result.returncode == 0, figures(result)
    assert "OK: the killed sweep's reminders were each sent exactly once" in result.stdout, figures(result)


@pytest.mark.integration
def test_triage_benchmark_prints_query_counts_and_times_beside_the_bare_view():
    result = run_short("bench.triage_changelist", "bench")
    assert result.returncode == 0, figures(result)
    assert "bare view, " in result.stdout, figures(result)
    assert "Django admin, no customisation" in result.stdout, figures(result)


@pytest.mark.integration
@pytest.mark.postgres
def test_changelist_parts_times_the_page_with_each_part_off_and_puts_every_part_back():
    # The script exits 1 if a variant does not show its part off, or if afterwards the page
    # as it is lacks its filters, actions or sidebar: a switch that was not put back.
    result = run_short("bench.changelist_parts", "parts")
    assert result.returncode == 0, figures(result)
    for name in ("bare view (the floor)", "1. the page as it is",
                 "2. without the sidebar's app list and site context", "3. without the capped count",
                 "4. without the permission query", "5. without the admin's page chrome",
                 "6. without the filters", "7. without the actions",
                 "8. without the two warning columns' subqueries",
                 "9. 2–5 together: the admin's plumbing off, every feature kept",
                 "10. 2–8 together: everything above off", "1. again, after every variant"):  # fmt: skip
        assert name in result.stdout, figures(result)
    assert "x bare" in result.stdout, figures(result)


@pytest.mark.integration
@pytest.mark.postgres
def test_the_list_size_import_stays_within_its_memory_limit_whatever_the_file():
    result = run_short("bench.levies_import_memory", "import_memory")
    assert result.returncode == 0, figures(result)
    assert "Result: every scenario within 200 MB" in result.stdout, figures(result)


@pytest.mark.integration
@pytest.mark.postgres
def test_scale_benchmark_prints_one_table_of_figures_beside_their_floors_and_targets(tmp_path):
    # The submissions under gunicorn have their own test above; here the rest of the table, quickly.
    # 2,000 enquiries leave 14 reminders due (a few more if the clock crosses a due-soon window).
    markdown = tmp_path / "scale.md"
    result = run_short("bench.scale", "scale", "--skip", "submissions", "--markdown", str(markdown))
    assert result.returncode == 0, figures(result)
    for row in ("triage changelist, default", "triage changelist, breached by due time", "support overview",
                "members' enquiry list", "reminder sweep, 1", "reminder sweep, idle",
                "list-size import, 200 practices"):  # fmt: skip
        assert row in result.stdout, figures(result)
    assert "targets met" in result.stdout, figures(result)
    table = markdown.read_text()
    assert "| what | p50 ms | p95 ms | queries | bare view p50 | x bare |" in table
    assert "PostgreSQL" in table
    assert "CPUs" in table
