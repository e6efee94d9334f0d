"""Evidence files: type checked by content, size bounded, names sanitised, stored privately."""

from __future__ import annotations

import io
import stat

import pytest
from PIL import Image as PilImage

from insignia.web.earning import files, services
from insignia.web.earning.models import EvidenceItem
from tests.web.conftest import png_bytes
from tests.web.earning.conftest import file, fill, pdf_bytes
from tests.web.images.test_sanitise import png_bomb

REPORT = "Your analysis report"


@pytest.fixture
def draft_application(assessed, learner):
    return services.application_start(learner=learner, achievement_id=assessed.pk)


def upload(application, learner, data: bytes, name: str = "report.pdf") -> EvidenceItem:
    fill(application, learner, **{REPORT: services.AnswerData(file=file(data, name))})
    application.refresh_from_db()
    return EvidenceItem.objects.get(
        application=application, revision=application.revision, requirement__prompt=REPORT
    )


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    PilImage.new("RGB", (40, 30), "#aa3355").save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (pdf_bytes(), "pdf"),
        (png_bytes(), "png"),
        (jpeg_bytes(), "jpeg"),
        ("Notes: naïve café ✓\n".encode(), "text"),
        (b"\xef\xbb\xbfWith a byte-order mark\r\n", "text"),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),  # a Windows executable
        (b"\x7fELF\x02\x01\x01", None),
        (b"PK\x03\x04\x14\x00", None),  # a zip (or docx)
        (b"%PDF-1.7\n no end marker", "text"),  # a truncated PDF is only text
        (b"text with a \x00 NUL byte", None),
        (b"   \n\t ", None),
        (b"\xff\xfe\x00\x00garbage", None),
    ],
)
def test_types_are_decided_by_content(data: bytes, kind: str | None) -> None:
    assert files.sniff(data) == kind


def test_a_valid_pdf_is_stored_privately(draft_application, learner, evidence_dir) -> None:
    item = upload(draft_application, learner, pdf_bytes(), "My Report (final).pdf")
    assert item.content_type == "application/pdf" and item.file_name == "My Report (final).pdf"
    path = evidence_dir / item.file_path
    assert path.read_bytes() == pdf_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # The path is made of ids only; nothing the learner typed reaches the file system.
    assert "Report" not in item.file_path and str(draft_application.pk) in item.file_path


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "report.pdf", "The file's content is not one"),
        (b"<html><script>alert(1)</script></html>\x00", "report.png", "not one"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' + b"\x01",
            "report.svg",
            "not one",
        ),
        (jpeg_bytes(), "photo.jpg", "not one"),  # JPEG is not accepted by this item
        (b"", "empty.pdf", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", "could not be read safely"),
    ],
)
def test_hostile_or_unwanted_files_are_refused(
    draft_application, learner, evidence_dir, data, name, message
) -> None:
    with pytest.raises(files.EvidenceRejected, match=message) as caught:
        upload(draft_application, learner, data, name)
    report = next(
        r for r in draft_application.version.evidence_requirements.all() if r.prompt == REPORT
    )
    assert caught.value.field == str(report.pk)  # shown under the right field
    assert not EvidenceItem.objects.filter(file_path__gt="").exists()
    assert not any(p.is_file() for p in evidence_dir.rglob("*"))


def test_a_decompression_bomb_is_refused(draft_application, learner) -> None:
    with pytest.raises(files.EvidenceRejected, match="could not be read safely"):
        upload(draft_application, learner, png_bomb(), "bomb.png")


def test_size_is_bounded_by_the_item_and_the_site(
    draft_application, learner, settings, evidence_dir
) -> None:
    big = b"x" * (1_048_576 + 1)  # the item allows 1 MB
    with pytest.raises(files.EvidenceRejected, match="limit for this item"):
        upload(draft_application, learner, big, "big.txt")
    settings.INSIGNIA_MAX_EVIDENCE_BYTES = 100
    with pytest.raises(files.EvidenceRejected, match="limit"):
        upload(draft_application, learner, b"y" * 101, "notes.txt")
    assert not any(p.is_file() for p in evidence_dir.rglob("*"))


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("../../etc/passwd", "text", "passwd.txt"),
        ("..\\..\\windows\\system32\\evil.exe", "pdf", "evil.pdf"),
        ("report.pdf.exe", "pdf", "report.pdf.pdf"),
        ("<script>alert(1)</script>.png", "png", "script.png"),
        ("<b onload=x>.png", "png", "b onload_x.png"),
        ("nul\x00byte\x1f.txt", "text", "nulbyte.txt"),
        ('quote".pdf', "pdf", "quote.pdf"),
        ("", "jpeg", "evidence.jpg"),
        ("....", "pdf", "evidence.pdf"),
        ("résumé ﬁnal.pdf", "pdf", "résumé final.pdf"),
        ("a" * 300 + ".pdf", "pdf", "a" * 80 + ".pdf"),
    ],
)
def test_names_are_sanitised(name: str, kind: str, expected: str) -> None:
    assert files.sanitise_name(name, kind) == expected


def test_stored_paths_cannot_escape_the_evidence_directory(evidence_dir) -> None:
    with pytest.raises(FileNotFoundError):
        files.evidence_file_path("../../etc/passwd")
    with pytest.raises(FileNotFoundError):
        files.evidence_file_path("/etc/passwd")


def test_replacing_a_draft_file_deletes_the_old_one(
    draft_application, learner, evidence_dir, django_capture_on_commit_callbacks
) -> None:
    first = upload(draft_application, learner, pdf_bytes("one"))
    old = evidence_dir / first.file_path
    with django_capture_on_commit_callbacks(execute=True):
        second = upload(draft_application, learner, pdf_bytes("two"))
    assert second.file_path != first.file_path
    assert not old.exists() and (evidence_dir / second.file_path).exists()


def test_files_of_earlier_revisions_are_never_deleted(
    submitted, learner, staff, evidence_dir, django_capture_on_commit_callbacks
) -> None:
    from tests.web.earning.conftest import decide, start

    start(submitted, staff["assessor"])
    decide(submitted, staff["assessor"], "return", (1, 1, 1), "Redo the report.")
    submitted.refresh_from_db()
    original = EvidenceItem.objects.get(
        application=submitted, revision=1, requirement__prompt=REPORT
    )
    with django_capture_on_commit_callbacks(execute=True):
        replaced = upload(submitted, learner, pdf_bytes("better"))
    assert replaced.revision == 2 and replaced.file_path != original.file_path
    assert (evidence_dir / original.file_path).read_bytes() == pdf_bytes()


def test_the_evidence_directory_must_not_be_served(settings, tmp_path) -> None:
    from insignia.web.earning.checks import check_evidence_dir

    settings.STATIC_ROOT = tmp_path / "static"
    settings.INSIGNIA_EVIDENCE_DIR = tmp_path / "evidence"
    assert check_evidence_dir() == []
    settings.INSIGNIA_EVIDENCE_DIR = tmp_path / "static" / "evidence"
    [error] = check_evidence_dir()
    assert error.id == "insignia.E002"
