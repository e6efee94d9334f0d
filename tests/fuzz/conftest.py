"""Fuzzing budget and bounds.

Every fuzz test uses the ``insignia-fuzz`` hypothesis profile through :data:`FUZZ` (never
loaded globally, so other property tests keep their own settings).  ``FUZZ_EXAMPLES`` sets the
examples per test: a short budget by default (``make test``), a long one for ``make fuzz``.
Each example must finish within ``FUZZ_SECONDS`` of CPU time; a wall-clock alarm
(``FUZZ_HANG_SECONDS``) turns a hang into a failure instead of a stuck job.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "5"))
HANG_SECONDS = float(os.environ.get("FUZZ_HANG_SECONDS", "60"))

settings.register_profile(
    "insignia-fuzz",
    max_examples=EXAMPLES,
    deadline=None,  # shared CI machines are noisy: the CPU-time bound below is the real one
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
    print_blob=True,
)
FUZZ = settings(settings.get_profile("insignia-fuzz"))


class Hang(Exception):
    """An example ran past the wall-clock alarm."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang(f"one input took longer than {HANG_SECONDS:.0f} s")


@contextmanager
def bounded() -> Iterator[None]:
    """Fail an example that hangs, or that uses more than ``SECONDS`` of CPU."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    started = time.thread_time()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    used = time.thread_time() - started
    assert used < SECONDS, f"one input used {used:.2f} s of CPU (bound {SECONDS} s)"


# The web fixtures (an organisation with one member per role, a published badge) for the
# fuzzers that go through the site.
from tests.web.conftest import draft, make_user, org, owner, published, staff  # noqa: E402, F401
