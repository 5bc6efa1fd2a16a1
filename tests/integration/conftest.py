import os

import pytest
import redis

from tests.integration.stack import CeleryStack


@pytest.fixture
def celery_stack(transactional_db, tmp_path):
    """A real Celery worker and beat against the test database and Redis; stopped even if the test fails."""
    redis_url = os.environ["REDIS_URL"]
    # Only our own Redis database: drop messages a previous, interrupted run left queued.
    redis.Redis.from_url(redis_url).delete("celery", "unacked", "unacked_index")
    stack = CeleryStack(redis_url=redis_url, workdir=tmp_path)
    try:
        yield stack
    finally:
        stack.stop()
