"""Bulk issuance pages: upload, mapping + dry run, start, progress without JavaScript, report."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from insignia.web.bulk import services
from insignia.web.bulk.models import BulkJob

from .conftest import csv_bytes, people


def test_whole_flow_through_the_pages(
    client_for, staff, published, django_capture_on_commit_callbacks
) -> None:
    client = client_for(staff["issuer"])
    page = client.get(reverse("bulk:upload", args=[published.pk]))
    assert page.status_code == 200 and b"Award &ldquo;" not in page.content
    rows = [*people(2), ["=SUM(A1)", "", "", "", "", ""]]
    response = client.post(
        reverse("bulk:upload", args=[published.pk]),
        {"file": SimpleUploadedFile("cohort.csv", csv_bytes(rows), "text/csv")},
    )
    job = BulkJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "bulk:job", args=[job.pk]
    )
    page = client.get(response["Location"])
    assert b"Check every row (dry run)" in page.content and b"learner0@example.org" in page.content
    form = {
        "email": "0",
        "name": "1",
        "evidence_url": "2",
        "evidence_narrative": "3",
        "result": "4",
        "issue_date": "5",
    }
    client.post(reverse("bulk:job", args=[job.pk]), form)
    page = client.get(reverse("bulk:job", args=[job.pk]))
    assert b"<strong>2</strong> rows ready" in page.content
    assert "“=SUM(A1)” is not an email address" in page.content.decode()
    assert client.post(reverse("bulk:start", args=[job.pk]), {}).status_code == 302
    assert BulkJob.objects.get().state == BulkJob.State.CHECKED  # confirmation needed
    with django_capture_on_commit_callbacks() as captured:
        client.post(reverse("bulk:start", args=[job.pk]), {"confirm": "on"})
    for callback in captured:
        callback()
    page = client.get(reverse("bulk:job", args=[job.pk]))
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert '<progress id="progress" max="2" value="0">' in html and "Pause" in html
    services.bulk_job_run(job_id=job.pk)
    html = client.get(reverse("bulk:job", args=[job.pk])).content.decode()
    assert (
        'http-equiv="refresh"' not in html and '<progress id="progress" max="2" value="2">' in html
    )
    report = client.get(reverse("bulk:report", args=[job.pk]))
    assert report["Content-Type"].startswith("text/csv")
    text = b"".join(report.streaming_content).decode()
    assert text.startswith("\ufeffrow,Email,Name")
    assert "\n4,'=SUM(A1)," in text  # formula-safe
    # the same file again: the same job
    response = client.post(
        reverse("bulk:upload", args=[published.pk]),
        {"file": SimpleUploadedFile("again.csv", csv_bytes(rows), "text/csv")},
    )
    assert response["Location"] == reverse("bulk:job", args=[job.pk])


def test_upload_errors_show_on_the_form(client_for, staff, published) -> None:
    client = client_for(staff["issuer"])
    response = client.post(
        reverse("bulk:upload", args=[published.pk]),
        {"file": SimpleUploadedFile("bad.csv", "Email\nzoë\n".encode("latin-1"), "text/csv")},
    )
    assert response.status_code == 200 and b"is not UTF-8 text" in response.content


def test_other_roles_get_404(client_for, staff, published) -> None:
    job, _ = services.bulk_job_create(
        actor=staff["issuer"],
        achievement_id=published.pk,
        file_name="x.csv",
        data=csv_bytes(people(1)),
    )
    for who in ("designer", "outsider"):
        client = client_for(staff[who])
        assert client.get(reverse("bulk:upload", args=[published.pk])).status_code == 404
        assert client.get(reverse("bulk:job", args=[job.pk])).status_code == 404
        assert client.get(reverse("bulk:report", args=[job.pk])).status_code == 404
        assert client.post(reverse("bulk:cancel", args=[job.pk])).status_code == 404
