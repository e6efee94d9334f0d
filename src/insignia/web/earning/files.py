"""Learners' evidence files: checked by content, bounded in size, stored privately.

Files are kept under ``settings.INSIGNIA_EVIDENCE_DIR`` (outside the static root; nothing
serves that directory), or in the ``"evidence"`` storage when ``STORAGES`` names one (an S3
bucket: see the settings' object-storage block), at a path made only of UUIDs, so a learner's
file name never touches the file system.  The type is decided by the bytes: a PDF must start
like a PDF, an image must decode within the image app's decompression-bomb limits, a text file
must be UTF-8 without control characters.  The name shown and offered on download is
sanitised and given the extension of the detected type.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile

from insignia.web.common.errors import ApplicationError
from insignia.web.earning.models import FILE_TYPES
from insignia.web.images.sanitise import ImageRejected, open_raster

logger = logging.getLogger(__name__)

#: Detected type → (MIME type, extension).
CONTENT_TYPES = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpeg": ("image/jpeg", "jpg"),
    "text": ("text/plain; charset=utf-8", "txt"),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+")


class EvidenceRejected(ApplicationError):
    """The file is not accepted; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file saved in private storage."""

    path: str  # relative to INSIGNIA_EVIDENCE_DIR
    name: str  # sanitised, for display and download
    content_type: str
    size: int
    sha256: str


def evidence_root() -> Path:
    return Path(settings.INSIGNIA_EVIDENCE_DIR)


def evidence_storage() -> Storage | None:
    """The configured ``"evidence"`` storage (object storage), or None for the private directory."""
    return storages["evidence"] if "evidence" in settings.STORAGES else None


def sniff(data: bytes) -> str | None:
    """The type of ``data`` judged by its content: a key of :data:`CONTENT_TYPES`, or None."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if text.strip() and not _CONTROL.search(text):
        return "text"
    return None


def _check_image(data: bytes, kind: str) -> None:
    """Decode images with the image app's safeguards (pixel limits before decoding)."""
    try:
        open_raster(
            data,
            max_pixels=settings.INSIGNIA_MAX_IMAGE_PIXELS,
            formats={"png": {"PNG"}, "jpeg": {"JPEG"}}[kind],
        )
    except ImageRejected as exc:
        raise EvidenceRejected(
            "The image could not be read safely (it is damaged, or declares far more pixels "
            "than any photo or screenshot).",
        ) from exc


def sanitise_name(name: str, kind: str) -> str:
    """A safe display name: no path, no control or odd characters, the detected extension."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFKC", name or ""))[-1]
    base = _UNSAFE_NAME.sub("_", _CONTROL.sub("", base)).strip(" ._")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"_+", "_", stem).strip(" ._")[:80] or "evidence"
    return f"{stem}.{CONTENT_TYPES[kind][1]}"


def _size_label(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, size // 1024)} kB"


def check_evidence_file(data: bytes, *, allowed: list[str], max_bytes: int) -> str:
    """Return the detected type of an upload allowed by a requirement.

    :raises EvidenceRejected: empty, too large, not of an allowed type, or a damaged image.
    """
    if not data:
        raise EvidenceRejected("The file is empty.")
    if len(data) > max_bytes:
        raise EvidenceRejected(
            f"The file is larger than {_size_label(max_bytes)}, the limit for this item."
        )
    kind = sniff(data)
    if kind is None or kind not in allowed:
        wanted = ", ".join(FILE_TYPES[t] for t in allowed if t in FILE_TYPES)
        raise EvidenceRejected(f"This item accepts: {wanted}. The file's content is not one.")
    if kind in {"png", "jpeg"}:
        _check_image(data, kind)
    return kind


def store_evidence_file(
    *, file: UploadedFile[bytes], application_id: uuid.UUID, allowed: list[str], max_bytes: int
) -> StoredFile:
    """Check an upload and write it to private storage (mode 0600, new file only).

    :raises EvidenceRejected: when the file is refused.
    """
    limit = min(max_bytes, settings.INSIGNIA_MAX_EVIDENCE_BYTES)
    if file.size is not None and file.size > limit:
        raise EvidenceRejected(
            f"The file is {_size_label(file.size)}; the limit for this item is "
            f"{_size_label(limit)}."
        )
    data = file.read(limit + 1)
    kind = check_evidence_file(data, allowed=allowed, max_bytes=limit)
    relative = f"{application_id}/{uuid.uuid4()}"
    try:
        relative = _write(relative, data)
    except Exception as exc:  # a full disk (ENOSPC), a read-only volume, an unreachable bucket
        logger.error("Evidence file %s could not be stored: %s", relative, exc, exc_info=exc)
        raise EvidenceRejected(
            "The file could not be stored just now (our storage is unavailable or full). "
            "Nothing was saved; please try again later."
        ) from exc
    return StoredFile(
        path=relative,
        name=sanitise_name(file.name or "", kind),
        content_type=CONTENT_TYPES[kind][0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _write(relative: str, data: bytes) -> str:
    """Write a new file; a partly written one is removed before the error goes on."""
    storage = evidence_storage()
    if storage is not None:
        return storage.save(relative, ContentFile(data))
    target = evidence_root() / relative
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return relative


def evidence_file_path(relative: str) -> Path:
    """The absolute path of a stored file, refusing anything outside the evidence root."""
    root = evidence_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise FileNotFoundError(relative)
    return path


def open_evidence_file(relative: str) -> IO[bytes]:
    """Open a stored file for reading, wherever it is kept.

    :raises OSError: when there is no such file (or the path leaves the evidence root).
    """
    storage = evidence_storage()
    if storage is not None:
        if relative.startswith("/") or ".." in relative.split("/") or not storage.exists(relative):
            raise FileNotFoundError(relative)
        return storage.open(relative, "rb")
    return evidence_file_path(relative).open("rb")


def delete_evidence_file(relative: str) -> None:
    """Remove a stored file (a replaced upload no revision refers to any more)."""
    storage = evidence_storage()
    if storage is not None:
        storage.delete(relative)
        return
    with contextlib.suppress(FileNotFoundError):
        evidence_file_path(relative).unlink()
