"""The periodic jobs: each runs when its interval has passed, a failure stops none of the
others, and ``--once`` runs every one of them for real."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, get_commands

from insignia.web.common.management.commands.run_periodic import JOBS, Job, run_due


def test_every_job_is_a_real_command() -> None:
    assert {job.command for job in JOBS} <= set(get_commands())


def test_jobs_run_when_due_and_failures_do_not_stop_the_rest() -> None:
    jobs = (Job("a", 60), Job("b", 3600), Job("c", 60))
    calls: list[str] = []

    def call(command: str) -> None:
        calls.append(command)
        if command == "a":
            raise RuntimeError("mail server down")

    last: dict[str, float] = {}
    assert run_due(jobs, last, 1000.0, call) == ["a", "b", "c"]
    assert run_due(jobs, last, 1030.0, call) == []
    assert run_due(jobs, last, 1061.0, call) == ["a", "c"]
    assert run_due(jobs, last, 4601.0, call) == ["a", "b", "c"]
    assert calls == ["a", "b", "c", "a", "c", "a", "b", "c"]


@pytest.mark.django_db
def test_once_runs_every_job() -> None:
    out = io.StringIO()
    call_command("run_periodic", "--once", stdout=out)
    assert "claim email(s) sent" in out.getvalue()
