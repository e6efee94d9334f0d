"""Serving documents from local folders as if they had been fetched.

Verifying badges offline needs the documents they point at: did:web DID documents, status
list credentials, OB 2.0 issuer profiles.  A :class:`FolderFetcher` indexes every JSON file
in the folders it is given by the document's own ``id`` (and by an optional ``index.json`` of
``url -> file``), and as a last resort by the end of the URL path — the same rules as the
reference peer's ``--status-dir``, so both verify the same fixture folders alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from insignia.core.errors import InputError
from insignia.core.fetch import FetchedDocument
from insignia.core.jsonio import parse_json

#: Files larger than this are not indexed (a fixture folder holds small JSON documents).
MAX_FILE_BYTES = 2 * 1024 * 1024


class FolderFetcher:
    """A :class:`~insignia.core.fetch.Fetcher` over local folders; unknown URLs answer 404."""

    def __init__(self, folders: Iterable[Path | str]) -> None:
        self._by_url: dict[str, Path] = {}
        self._by_suffix: dict[str, Path] = {}
        for folder in folders:
            self._index(Path(folder))

    def _index(self, folder: Path) -> None:
        if not folder.is_dir():
            raise InputError(f"{folder} is not a folder.", code="input.not_a_folder")
        index_file = folder / "index.json"
        for path in sorted(folder.rglob("*.json")):
            if path == index_file or path.stat().st_size > MAX_FILE_BYTES:
                continue
            relative = path.relative_to(folder).with_suffix("").as_posix()
            self._by_suffix.setdefault(relative, path)
            try:
                doc = parse_json(path.read_bytes())
            except InputError:
                continue
            if isinstance(doc, dict) and isinstance(doc.get("id"), str):
                self._by_url.setdefault(doc["id"], path)
        if index_file.is_file():
            mapping = json.loads(index_file.read_text("utf-8"))
            for url, entry in mapping.items():
                name = entry["file"] if isinstance(entry, dict) else entry
                self._by_url[url] = folder / name

    def _find(self, url: str) -> Path | None:
        found = self._by_url.get(url) or self._by_url.get(url.split("#", 1)[0])
        if found is not None:
            return found
        url_path = urlsplit(url).path.rstrip("/")
        if url_path.endswith(".json"):
            url_path = url_path[: -len(".json")]
        best: tuple[int, Path] | None = None
        for suffix, path in self._by_suffix.items():
            matches = url_path.endswith("/" + suffix) or url_path == suffix
            if matches and (best is None or len(suffix) > best[0]):
                best = (len(suffix), path)
        return best[1] if best else None

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        """Return the local document for ``url``, or an HTTP-404-like answer."""
        path = self._find(url)
        if path is None:
            return FetchedDocument(url=url, status=404, content_type="text/plain", body=b"")
        return FetchedDocument(
            url=url, status=200, content_type="application/json", body=path.read_bytes()
        )
