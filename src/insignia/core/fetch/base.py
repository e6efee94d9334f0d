"""What every fetcher shares: the :class:`Fetcher` protocol and the document it returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from insignia.core.errors import InputError, ResolutionError
from insignia.core.jsonio import parse_json_object


@dataclass(frozen=True, slots=True)
class FetchedDocument:
    """What a fetch returned.

    :param url: the URL finally answered (after redirects).
    :param status: the HTTP status (fetchers over local data use 200 / 404 alike).
    :param content_type: the ``Content-Type`` header, as sent (may be empty).
    :param body: the raw body; parse it with :mod:`insignia.core.jsonio`.
    """

    url: str
    status: int
    content_type: str
    body: bytes

    def json(self) -> dict[str, Any]:
        """The body as a bounded JSON object.

        :raises ResolutionError: code ``resolve.bad_document`` when it is not one.
        """
        try:
            return parse_json_object(self.body)
        except InputError as exc:
            raise fetch_error(
                f"{self.url} did not return a JSON object: {exc.message}",
                "resolve.bad_document",
                self.url,
                reason=exc.code,
            ) from exc


class Fetcher(Protocol):
    """Gets the bytes behind a URL; every failure is a :class:`ResolutionError`."""

    def fetch(self, url: str, *, accept: str) -> FetchedDocument: ...


def fetch_error(message: str, code: str, url: str, **detail: Any) -> ResolutionError:
    """A :class:`ResolutionError` that always names the URL it is about (detail ``url``)."""
    return ResolutionError(message, code=code, url=url, **detail)
