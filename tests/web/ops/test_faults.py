"""Faults fail cleanly: the database going away mid-request answers 503 (a page that needs no
database, JSON for the API) with nothing half-written; a full disk during an evidence upload
is a clear form error, with no orphan row and no partial file.  (A refusing mail server is
covered in tests/web/awards/test_claim_emails.py; a killed bulk worker in
tests/web/bulk/test_worker_kill.py.)"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.urls import reverse

from insignia.web.earning import files, services
from insignia.web.earning.models import Application, EvidenceItem
from tests.web.earning.test_views import requirement_fields
from tests.web.test_accessibility import audit


@pytest.fixture
def started(assessed: Any, learner: Any) -> Application:
    return services.application_start(learner=learner, achievement_id=assessed.pk)


def save(client: Any, application: Application) -> Any:
    url = reverse("earning:application", args=[application.pk])
    return client.post(url, {"row_version": 1, "action": "save", **requirement_fields(application)})


def test_the_database_going_away_mid_request_is_a_503_with_nothing_written(
    started: Application,
    learner: Any,
    client_for: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: Any,
) -> None:
    """The text and link answers are saved before the file; the connection dies at the file:
    the transaction rolls every answer back and the learner gets "try again"."""

    def gone(**kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(files, "store_evidence_file", gone)
    with caplog.at_level(logging.ERROR, logger="insignia.web.ops.middleware"):
        response = save(client_for(learner), started)
    assert response.status_code == 503
    assert response["Retry-After"] == "30" and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Nothing you sent was saved" in page
    audit(page)
    assert "Database unavailable during POST" in caplog.text
    started.refresh_from_db()
    assert started.row_version == 1
    assert not EvidenceItem.objects.filter(application=started).exclude(text="").exists()
    assert not EvidenceItem.objects.filter(application=started).exclude(url="").exists()


def test_the_api_answers_json_when_the_database_is_gone(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from insignia.web.public import api

    def gone(**kwargs: Any) -> Any:
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(api, "organisation_public_get", gone)
    response = client.get("/api/v1/issuers/00000000-0000-0000-0000-000000000000/achievements")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json()["error"] == "service_unavailable"


def test_other_errors_still_reach_the_500_handler(
    started: Application, learner: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(files, "store_evidence_file", broken)
    with pytest.raises(RuntimeError):
        save(client_for(learner), started)


def test_a_full_disk_during_an_evidence_upload_is_a_clear_error(
    started: Application,
    learner: Any,
    client_for: Any,
    evidence_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: Any,
) -> None:
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, fd: int, mode: str) -> None:
            self.inner = real_fdopen(fd, mode)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.inner.close()

        def write(self, data: bytes) -> int:
            self.inner.write(data[:10])  # part of the file reached the disk
            self.inner.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fdopen", FullDisk)
    with caplog.at_level(logging.ERROR, logger="insignia.web.earning.files"):
        response = save(client_for(learner), started)
    assert response.status_code == 200
    assert "could not be stored just now" in response.content.decode()
    assert "No space left on device" in caplog.text
    # No orphan row, no partial file, and the answers given with it were not half-saved.
    assert not EvidenceItem.objects.filter(application=started).exclude(file_path="").exists()
    assert not EvidenceItem.objects.filter(application=started).exclude(text="").exists()
    assert not [p for p in evidence_dir.rglob("*") if p.is_file()]
    started.refresh_from_db()
    assert started.row_version == 1
    # Once there is room again, the same upload works.
    monkeypatch.undo()
    assert save(client_for(learner), started).status_code == 302
    item = EvidenceItem.objects.get(application=started, requirement__kind="file")
    assert (evidence_dir / item.file_path).is_file()
