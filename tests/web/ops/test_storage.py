"""Object storage: with the S3 settings on, evidence files and default-storage media go to an
S3-compatible bucket (moto's server on loopback) and come back through the site."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from moto.server import ThreadedMotoServer

from insignia.web.achievements import services as achievement_services
from insignia.web.earning import services
from insignia.web.earning.models import EvidenceItem
from insignia.web.images.models import Image
from tests.web.conftest import png_bytes, upload, version_data
from tests.web.earning.conftest import file, fill, pdf_bytes

BUCKET = "insignia-media"
SETTINGS = Path(__file__).parents[3] / "src" / "insignia" / "web" / "settings.py"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def load_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    """Import settings.py afresh (under another name) with ``env`` set."""
    monkeypatch.setenv("DEBUG", "1")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("insignia_settings_probe", SETTINGS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@pytest.fixture
def s3_on(settings: Any, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The STORAGES the real settings build from the S3 variables, applied, with a new bucket."""
    probe = load_settings(
        monkeypatch,
        INSIGNIA_S3_BUCKET=BUCKET,
        INSIGNIA_S3_ENDPOINT_URL=s3_endpoint,
        INSIGNIA_S3_REGION="us-east-1",
        INSIGNIA_S3_ACCESS_KEY_ID="testing",
        INSIGNIA_S3_SECRET_ACCESS_KEY="testing",
    )
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = probe.STORAGES
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_without_a_bucket_media_stays_on_the_local_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INSIGNIA_S3_BUCKET", raising=False)
    probe = load_settings(monkeypatch)
    assert probe.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
    assert "evidence" not in probe.STORAGES


def test_the_bucket_settings_select_the_s3_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    probe = load_settings(
        monkeypatch, INSIGNIA_S3_BUCKET="b", INSIGNIA_S3_ENDPOINT_URL="http://127.0.0.1:9"
    )
    for alias, location in (("default", "media"), ("evidence", "evidence")):
        config = probe.STORAGES[alias]
        assert config["BACKEND"] == "storages.backends.s3.S3Storage"
        assert config["OPTIONS"]["bucket_name"] == "b"
        assert config["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9"
        assert config["OPTIONS"]["location"] == location
        assert config["OPTIONS"]["querystring_auth"] is True


def test_default_storage_writes_to_the_bucket(s3_on: Any) -> None:
    name = default_storage.save("logos/a.txt", ContentFile(b"hello"))
    keys = [o["Key"] for o in s3_on.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"media/{name}"]
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == b"hello"
    # Any URL handed out is signed (the bucket stays private).
    assert "Signature=" in default_storage.url(name) or "X-Amz-Signature=" in default_storage.url(
        name
    )


def test_evidence_goes_to_the_bucket_and_back_through_the_site(
    s3_on: Any, assessed: Any, learner: Any, client_for: Any, evidence_dir: Path
) -> None:
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    item = EvidenceItem.objects.get(requirement__kind="file")
    body = s3_on.get_object(Bucket=BUCKET, Key=f"evidence/{item.file_path}")["Body"].read()
    assert body == pdf_bytes()
    assert not evidence_dir.exists() or not any(evidence_dir.rglob("*"))  # nothing on disk
    response = client_for(learner).get(reverse("earning:evidence", args=[item.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    # Another person gets the same 404 as for an unknown id.
    assert client_for(None).get(reverse("earning:evidence", args=[item.pk])).status_code == 404


def test_replaced_evidence_is_deleted_from_the_bucket(
    s3_on: Any, assessed: Any, learner: Any, django_capture_on_commit_callbacks: Any
) -> None:

    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    first = EvidenceItem.objects.get(requirement__kind="file").file_path
    with django_capture_on_commit_callbacks(execute=True):
        fill(
            application,
            learner,
            **{"Your analysis report": services.AnswerData(file=file(pdf_bytes("Second")))},
        )
    second = EvidenceItem.objects.get(requirement__kind="file").file_path
    keys = {o["Key"] for o in s3_on.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {f"evidence/{second}"} and first != second


def test_a_missing_object_is_a_404(
    s3_on: Any, assessed: Any, learner: Any, client_for: Any
) -> None:
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    item = EvidenceItem.objects.get(requirement__kind="file")
    s3_on.delete_object(Bucket=BUCKET, Key=f"evidence/{item.file_path}")
    response = client_for(learner).get(reverse("earning:evidence", args=[item.pk]))
    assert response.status_code == 404


def test_an_uploaded_badge_image_reads_back_through_the_site_with_s3_on(
    s3_on: Any, org: Any, staff: Any, client: Any
) -> None:
    """Badge images are database rows: with S3 on, an upload is still served by every node."""
    data = png_bytes(96, 96, "#aa3300")
    achievement_services.achievement_create(
        actor=staff["designer"],
        organisation_id=org.pk,
        data=version_data(),
        image=achievement_services.ImageChoice(upload=upload(data)),
    )
    image = Image.objects.get(source=Image.Source.UPLOAD)
    response = client.get(reverse("images:image", args=[image.pk, "png"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert response.content == bytes(image.data)
    assert "Contents" not in s3_on.list_objects_v2(Bucket=BUCKET)


def test_backups_read_and_restore_evidence_through_the_bucket(
    s3_on: Any, assessed: Any, learner: Any, tmp_path: Path
) -> None:
    import tarfile

    from insignia.web.ops.backup import _write_evidence, backup_create

    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    item = EvidenceItem.objects.get(requirement__kind="file")
    archive = tmp_path / "b.tar.gz"
    manifest = backup_create(output=archive)
    assert manifest.missing_files == []
    with tarfile.open(archive) as tar:
        member = tar.extractfile(f"evidence/{item.file_path}")
        assert member is not None and member.read() == pdf_bytes()
    # Restoring writes the object back under the same key.
    s3_on.delete_object(Bucket=BUCKET, Key=f"evidence/{item.file_path}")
    source = tmp_path / "copy"
    source.write_bytes(pdf_bytes())
    _write_evidence(item.file_path, source)
    body = s3_on.get_object(Bucket=BUCKET, Key=f"evidence/{item.file_path}")["Body"].read()
    assert body == pdf_bytes()
