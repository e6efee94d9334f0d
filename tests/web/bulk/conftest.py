"""Helpers for the bulk issuance tests: files of recipients, running queued tasks."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

HEADER = ["Email", "Full name", "Evidence URL", "Narrative", "Grade", "Issued on"]


def csv_bytes(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER, **fmt: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, **fmt)  # type: ignore[arg-type]
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def people(count: int, start: int = 0) -> list[list[str]]:
    return [
        [
            f"learner{i}@example.org",
            f"Learner {i}",
            f"https://portfolio.example/{i}",
            "Built a dashboard.",
            "Merit",
            "2025-03-01",
        ]
        for i in range(start, start + count)
    ]


import pytest  # noqa: E402


@pytest.fixture
def issued_to(staff, published):
    from insignia.web.awards import services

    def issue(email: str):
        return services.credential_issue(
            actor=staff["issuer"], achievement_id=published.pk, recipient_email=email
        )

    return issue
