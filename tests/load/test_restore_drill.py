"""The restore drill (bench/restore_drill.sh) passes: a pg_dump backup of a seeded database restores and works."""

import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
@pytest.mark.postgres
def test_a_backup_of_a_seeded_database_restores_passes_the_checks_and_works():
    # Its own databases, named after the test database, so parallel runs do not collide.
    prefix = (urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/") or "lmc") + "_drill"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}

    result = subprocess.run(
        ["bash", str(ROOT / "bench" / "restore_drill.sh"), "--prefix", prefix],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip

    output = f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr[-4000:]}"
    assert result.returncode == 0, output
    assert "all as in the original" in result.stdout, output
    assert "Restore drill passed." in result.stdout, output
