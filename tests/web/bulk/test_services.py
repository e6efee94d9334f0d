"""Bulk issuance: dry run, background issuing, idempotency across crashes, pause/cancel."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from insignia.web.awards import engine
from insignia.web.awards.models import ClaimToken, Credential
from insignia.web.awards.services import claim_emails_send
from insignia.web.awards.verification import credential_verify
from insignia.web.bulk import services
from insignia.web.bulk.models import BulkJob, BulkRow
from insignia.web.bulk.selectors import REPORT_HEADER, bulk_job_report
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.issuers.models import AuditEvent

from .conftest import HEADER, csv_bytes, people

MAPPING = {
    "email": 0,
    "name": 1,
    "evidence_url": 2,
    "evidence_narrative": 3,
    "result": 4,
    "issue_date": 5,
}


def upload(staff, published, data: bytes, name: str = "cohort.csv") -> BulkJob:
    job, _ = services.bulk_job_create(
        actor=staff["issuer"], achievement_id=published.pk, file_name=name, data=data
    )
    return job


def checked(staff, published, data: bytes) -> BulkJob:
    job = upload(staff, published, data)
    return services.bulk_job_check(actor=staff["issuer"], job_id=job.pk, mapping=MAPPING)


def run_queued(captured) -> None:
    """Run what the commit callbacks queued (the worker's part)."""
    for callback in captured:
        callback()


def test_upload_guesses_mapping_and_same_file_opens_same_job(staff, published) -> None:
    data = csv_bytes(people(3))
    job = upload(staff, published, data)
    assert job.mapping == MAPPING and job.total == 3 and job.state == BulkJob.State.UPLOADED
    again, created = services.bulk_job_create(
        actor=staff["issuer"], achievement_id=published.pk, file_name="copy.csv", data=data
    )
    assert again.pk == job.pk and created is False
    assert AuditEvent.objects.filter(action="bulk.uploaded").count() == 1


def test_only_issuers_may_upload_or_see_jobs(staff, published) -> None:
    data = csv_bytes(people(1))
    for who in ("designer", "assessor", "outsider"):
        with pytest.raises(NotFound):
            services.bulk_job_create(
                actor=staff[who], achievement_id=published.pk, file_name="x.csv", data=data
            )
    job = upload(staff, published, data)
    with pytest.raises(NotFound):
        services.bulk_job_check(actor=staff["designer"], job_id=job.pk, mapping=MAPPING)


def test_dry_run_reports_every_problem_by_row_number(staff, published, issued_to) -> None:
    issued_to("holder@example.org")
    rows = [
        ["ok@example.org", "Ok", "", "", "", ""],
        ["", "No Email", "", "", "", ""],
        ["not-an-address", "Bad", "", "", "", ""],
        ["ok@example.org", "Again", "", "", "", ""],
        ["Holder@Example.org", "Has it", "", "", "", ""],
        ["u@example.org", "U", "ftp://files.example/x", "", "", ""],
        ["d@example.org", "D", "", "", "", "31/12/2024"],
        ["f@example.org", "F", "", "", "", "2999-01-01"],
        ["n@example.org", "N" * 151, "", "", "", ""],
        ["short@example.org"],  # missing cells are empty values
    ]
    job = checked(staff, published, csv_bytes(rows))
    assert (job.valid, job.invalid, job.state) == (2, 8, BulkJob.State.CHECKED)
    problems = {r.number: r.errors for r in job.rows.filter(state=BulkRow.State.INVALID)}
    assert problems == {
        3: ["Email: missing."],
        4: ["Email: “not-an-address” is not an email address."],
        5: ["Email: ok@example.org is also on row 2."],
        6: ["Email: holder@example.org already holds this badge."],
        7: ["Evidence URL: not a web address starting with http:// or https://."],
        8: ["Issue date: use the form YYYY-MM-DD (for example 2025-06-30)."],
        9: ["Issue date: is in the future."],
        10: ["Name: longer than 150 characters."],
    }
    assert not Credential.objects.filter(recipient_email="ok@example.org").exists()


def test_mapping_needs_an_email_column(staff, published) -> None:
    job = upload(staff, published, csv_bytes(people(1)))
    with pytest.raises(ApplicationError, match="email addresses"):
        services.bulk_job_check(actor=staff["issuer"], job_id=job.pk, mapping={"name": 1})
    with pytest.raises(ApplicationError, match="one field only"):
        services.bulk_job_check(
            actor=staff["issuer"], job_id=job.pk, mapping={"email": 0, "name": 0}
        )


def test_issuing_in_the_background(staff, published, django_capture_on_commit_callbacks) -> None:
    rows = people(5)
    rows.append(["bad", "", "", "", "", ""])
    job = checked(staff, published, csv_bytes(rows))
    with django_capture_on_commit_callbacks() as captured:
        services.bulk_job_start(actor=staff["issuer"], job_id=job.pk)
    assert BulkJob.objects.get(pk=job.pk).state == BulkJob.State.QUEUED
    run_queued(captured)  # enqueues the job's task
    [task] = DBTaskResult.objects.all()
    assert task.task_path.endswith("bulk_job_run_task") and task.args_kwargs["args"] == [
        str(job.pk)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_job_run(job_id=job.pk, chunk_size=2)
    assert (job.state, job.issued, job.skipped) == (BulkJob.State.DONE, 5, 0)
    credentials = Credential.objects.filter(achievement=published).order_by("recipient_email")
    assert credentials.count() == 5
    first = credentials[0]
    doc = json.loads(first.document)
    assert doc["validFrom"] == "2025-03-01T00:00:00Z"
    assert doc["credentialSubject"]["result"] == [{"type": ["Result"], "value": "Merit"}]
    assert doc["evidence"][0]["id"] == "https://portfolio.example/0"
    assert first.recipient_name == "Learner 0" and first.bulk_row.number == 2
    assert credential_verify(credential=first).valid
    assert len({(c.status_list_id, c.status_index) for c in credentials}) == 5
    # emails are queued as tasks (3 chunks), then sent by the worker, once each
    email_tasks = DBTaskResult.objects.filter(task_path__endswith="claim_emails_send_task")
    assert email_tasks.count() == 3
    assert mail.outbox == []
    ids = [i for t in email_tasks for i in t.args_kwargs["args"][0]]
    assert claim_emails_send(credential_ids=ids) == 5
    assert claim_emails_send(credential_ids=ids) == 0  # idempotent per credential
    assert len(mail.outbox) == 5 and ClaimToken.objects.count() == 5
    assert AuditEvent.objects.filter(action="credential.issued").count() == 5
    assert AuditEvent.objects.filter(action="bulk.finished").count() == 1


def test_a_crash_mid_way_loses_nothing_and_duplicates_nothing(
    staff, published, monkeypatch
) -> None:
    job = checked(staff, published, csv_bytes(people(7)))
    services.bulk_job_start(actor=staff["issuer"], job_id=job.pk)
    real = engine.build_credential
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:  # inside the second chunk
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "build_credential", flaky)
    with pytest.raises(RuntimeError):
        services.bulk_job_run(job_id=job.pk, chunk_size=3)
    job.refresh_from_db()
    assert (job.state, job.issued) == (BulkJob.State.FAILED, 3)
    assert "power cut" in job.error
    assert Credential.objects.count() == 3  # the second chunk was rolled back whole
    services.bulk_job_resume(actor=staff["issuer"], job_id=job.pk)
    job = services.bulk_job_run(job_id=job.pk, chunk_size=3)
    assert (job.state, job.issued) == (BulkJob.State.DONE, 7)
    assert Credential.objects.count() == 7
    assert sorted(Credential.objects.values_list("recipient_email", flat=True)) == sorted(
        f"learner{i}@example.org" for i in range(7)
    )
    # running it again, or re-running a finished job, issues nothing
    assert services.bulk_job_run(job_id=job.pk).issued == 7
    assert Credential.objects.count() == 7


def test_a_killed_worker_leaves_a_stale_job_that_resumes(staff, published) -> None:
    from datetime import timedelta

    from django.utils import timezone

    job = checked(staff, published, csv_bytes(people(4)))
    services.bulk_job_start(actor=staff["issuer"], job_id=job.pk)
    # what a SIGKILL leaves: marked running, one chunk committed, no more heartbeat
    BulkJob.objects.filter(pk=job.pk).update(state=BulkJob.State.RUNNING)
    services._issue_chunk(job.pk, 2, ())
    with pytest.raises(ApplicationError):
        services.bulk_job_resume(actor=staff["issuer"], job_id=job.pk)  # still fresh
    BulkJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert [j.pk for j in services.bulk_jobs_resume_stale()] == [job.pk]
    job = services.bulk_job_run(job_id=job.pk)
    assert (job.state, job.issued, Credential.objects.count()) == (BulkJob.State.DONE, 4, 4)


def test_a_second_file_with_the_same_people_skips_them(staff, published) -> None:
    first = checked(staff, published, csv_bytes(people(3)))
    services.bulk_job_start(actor=staff["issuer"], job_id=first.pk)
    services.bulk_job_run(job_id=first.pk)
    second = upload(staff, published, csv_bytes(people(4), header=[*HEADER, "Note"]))
    second = services.bulk_job_check(actor=staff["issuer"], job_id=second.pk, mapping=MAPPING)
    assert (second.valid, second.invalid) == (1, 3)


def test_holders_found_at_issue_time_are_skipped(staff, published, issued_to) -> None:
    job = checked(staff, published, csv_bytes(people(3)))
    issued_to("learner1@example.org")  # awarded by hand after the dry run
    services.bulk_job_start(actor=staff["issuer"], job_id=job.pk)
    job = services.bulk_job_run(job_id=job.pk)
    assert (job.issued, job.skipped) == (2, 1)
    row = job.rows.get(number=3)
    assert row.state == BulkRow.State.SKIPPED and "already holds" in row.errors[0]


def test_pause_resume_cancel(staff, published) -> None:
    job = checked(staff, published, csv_bytes(people(5)))
    services.bulk_job_start(actor=staff["issuer"], job_id=job.pk)
    services.bulk_job_pause(actor=staff["issuer"], job_id=job.pk)
    assert services.bulk_job_run(job_id=job.pk).issued == 0  # a paused job does nothing
    services.bulk_job_resume(actor=staff["issuer"], job_id=job.pk)
    BulkJob.objects.filter(pk=job.pk).update(state=BulkJob.State.RUNNING)
    services._issue_chunk(job.pk, 2, ())
    services.bulk_job_cancel(actor=staff["issuer"], job_id=job.pk)
    job = services.bulk_job_run(job_id=job.pk)
    assert (job.state, job.issued, Credential.objects.count()) == (BulkJob.State.CANCELLED, 2, 2)
    with pytest.raises(ApplicationError):
        services.bulk_job_cancel(actor=staff["issuer"], job_id=job.pk)
    outcomes = [line[-3] for line in bulk_job_report(job=job)]
    assert outcomes == ["issued", "issued"] + ["not issued (cancelled)"] * 3
    # a cancelled file may be uploaded again as a new job
    again, created = services.bulk_job_create(
        actor=staff["issuer"],
        achievement_id=published.pk,
        file_name="again.csv",
        data=csv_bytes(people(5)),
    )
    assert created and again.pk != job.pk


def test_report_lists_every_row(staff, published) -> None:
    job = checked(
        staff, published, csv_bytes([*people(1), ["=cmd|' /C calc'!A0", "", "", "", "", ""]])
    )
    services.bulk_job_start(actor=staff["issuer"], job_id=job.pk)
    job = services.bulk_job_run(job_id=job.pk)
    lines = list(bulk_job_report(job=job))
    assert len(REPORT_HEADER) == len(lines[0])
    assert lines[0][0] == "2" and lines[0][-3] == "issued"
    assert lines[0][-2].startswith("http://testserver/credentials/")
    assert lines[1][0] == "3" and lines[1][-3] == "not issued: problems"


def test_revoke_a_whole_upload(staff, published) -> None:
    job = checked(staff, published, csv_bytes(people(4)))
    services.bulk_job_start(actor=staff["issuer"], job_id=job.pk)
    services.bulk_job_run(job_id=job.pk)
    other = services_awards_issue(staff, published, "someone.else@example.org")
    assert (
        services.bulk_job_revoke(actor=staff["issuer"], job_id=job.pk, reason="Wrong cohort") == 4
    )
    assert Credential.objects.filter(revoked_at__isnull=False).count() == 4
    other.refresh_from_db()
    assert other.revoked_at is None
    assert AuditEvent.objects.filter(action="bulk.revoked").count() == 1
    assert services.bulk_job_revoke(actor=staff["issuer"], job_id=job.pk, reason="again") == 0
    with pytest.raises(NotFound):
        services.bulk_job_revoke(actor=staff["designer"], job_id=job.pk, reason="x")


def services_awards_issue(staff, published, email: str) -> Credential:
    from insignia.web.awards.services import credential_issue

    return credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=email
    )
