"""Real races for the PostgreSQL-only tests: calls started at the same moment in threads, each
with its own database connection (SQLite in memory gives each thread its own empty database,
so these tests skip there)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

#: Mark a module whose tests race threads against each other.
RACES = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="threads need a shared database server"
    ),
]


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` at the same moment in threads; return each result or exception, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def failures(results: list[Any]) -> list[Exception]:
    """The calls of a race that raised."""
    return [r for r in results if isinstance(r, Exception)]
