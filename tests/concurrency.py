"""Run the same work in several threads at once, each on its own database connection."""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def run_concurrently(count: int, work: Callable[[], T], *, timeout: float = 30) -> tuple[list[T], list[BaseException]]:
    """Start `count` threads that call `work()` together (a barrier lines them up).

    Return what the calls returned and what they raised, so a test can assert
    on both; each thread closes its own connection.
    """
    barrier = threading.Barrier(count, timeout=timeout)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as exc:  # reported to the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + 30)
    return results, errors
