"""Point the in-process Celery app at a real broker for one test (tests run tasks eagerly otherwise)."""

from contextlib import contextmanager

from lmcportal.celery import app

# Nothing listens on the discard port: connecting is refused at once.
CLOSED_PORT_BROKER = "redis://127.0.0.1:9/0"


def _reset_connections() -> None:
    # The app caches its pools; drop them so the new URL is used. (Not closed:
    # kombu keeps pools per URL globally and would hand the closed one back.)
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def real_broker(url: str):
    """Publish tasks to the broker at `url` instead of running them in-process."""
    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url=url)
    _reset_connections()
    try:
        yield app
    finally:
        app.conf.update(saved)
        _reset_connections()
