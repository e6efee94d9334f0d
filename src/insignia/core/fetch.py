"""Fetching documents from the web, safely, and pretending to when we must stay offline.

The engine never opens a socket by itself: resolvers, status checks and URL verification are
handed a :class:`Fetcher`.  :class:`HttpFetcher` is the one real implementation, and it is
written for a verifier that fetches URLs chosen by strangers (a credential names its own
DID document, status list and refresh service).  So it

* refuses hosts resolving to loopback, private, link-local, multicast or reserved addresses
  (server-side request forgery), and connects to the very address it checked, so a second DNS
  answer cannot swap in ``127.0.0.1`` (DNS rebinding) — TLS still verifies the host name;
* speaks https only unless told otherwise, never uses environment proxies, follows a few
  redirects and re-checks every hop;
* bounds connect time, time between bytes, total time and body size (checked while reading).

:class:`CachingFetcher` keeps recent answers for a TTL on an injected clock, and
:class:`MappingFetcher` serves documents from memory for tests and offline folders.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

from insignia.core.errors import InputError, ResolutionError
from insignia.core.jsonio import MAX_DOCUMENT_BYTES, parse_json_object

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CHUNK = 64 * 1024


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
            raise ResolutionError(
                f"{self.url} did not return a JSON object: {exc.message}",
                code="resolve.bad_document",
                url=self.url,
                reason=exc.code,
            ) from exc


class Fetcher(Protocol):
    """Gets the bytes behind a URL; every failure is a :class:`ResolutionError`."""

    def fetch(self, url: str, *, accept: str) -> FetchedDocument: ...


def _fail(message: str, code: str, url: str, **detail: Any) -> ResolutionError:
    return ResolutionError(message, code=code, url=url, **detail)


def is_forbidden_address(ip: IpAddress) -> bool:
    """True for addresses a public fetch must never reach (anything not globally routable).

    IPv4 hidden inside IPv6 (mapped, 6to4, NAT64) is unwrapped and judged on its own.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return is_forbidden_address(inner)
        if ip.teredo is not None:
            return True
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address chosen in advance, speaking to ``host`` by name."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        ip: str,
        connect_timeout: float,
        read_timeout: float,
        tls: ssl.SSLContext | None,
    ) -> None:
        super().__init__(host, port, timeout=connect_timeout)
        self.default_port = 443 if tls is not None else 80  # keeps the Host header plain
        self._ip = ip
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._tls = tls

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), timeout=self._connect_timeout)
        try:
            sock.settimeout(self._read_timeout)
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


@dataclass(frozen=True, slots=True)
class _Target:
    url: str
    tls: bool
    host: str
    port: int
    path: str


class HttpFetcher:
    """Fetches over HTTPS with SSRF protection, timeouts, size and redirect limits.

    :param allow_http: also accept plain ``http://`` URLs (development, local servers).
    :param allow_addresses: networks (``"127.0.0.1/32"``, ``"10.0.0.0/8"``) that may be reached
        although they are not public — for tests and deliberate intranet deployments.
    :param clock: a monotonic clock for the total deadline (injectable for tests).
    :param ssl_context: the TLS settings; the default verifies certificates against the
        system store.
    """

    def __init__(
        self,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        total_timeout: float = 30.0,
        max_bytes: int = MAX_DOCUMENT_BYTES,
        max_redirects: int = 3,
        allow_http: bool = False,
        allow_addresses: Iterable[str] = (),
        user_agent: str = "Insignia-verifier/0.1 (+https://github.com/insignia)",
        clock: Callable[[], float] = time.monotonic,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.allow_http = allow_http
        self.allowed_networks = tuple(
            ipaddress.ip_network(n, strict=False) for n in allow_addresses
        )
        self.user_agent = user_agent
        self._clock = clock
        self._tls = ssl_context or ssl.create_default_context()

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        """GET ``url`` and return its body.

        :raises ResolutionError: ``resolve.bad_url``, ``resolve.forbidden_scheme``,
            ``resolve.dns``, ``resolve.forbidden_address``, ``resolve.timeout``,
            ``resolve.tls``, ``resolve.connection``, ``resolve.protocol``,
            ``resolve.too_many_redirects``, ``resolve.http_status`` (detail ``status``) or
            ``resolve.too_large``.
        """
        deadline = self._clock() + self.total_timeout
        current = url
        for _hop in range(self.max_redirects + 1):
            target = self._target(current)
            addresses = self._addresses(target)
            status, headers, body = self._exchange(target, addresses, accept, deadline)
            if status in _REDIRECTS:
                location = headers.get("location")
                if not location:
                    raise _fail(
                        f"{current} redirected nowhere.",
                        "resolve.http_status",
                        current,
                        status=status,
                    )
                current = urljoin(current, location)
                continue
            if not 200 <= status < 300:
                raise _fail(
                    f"{current} answered HTTP {status}.",
                    "resolve.http_status",
                    current,
                    status=status,
                )
            return FetchedDocument(current, status, headers.get("content-type", ""), body)
        raise _fail(
            f"{url} redirected more than {self.max_redirects} times.",
            "resolve.too_many_redirects",
            url,
        )

    def _target(self, url: str) -> _Target:
        if not url.isascii() or any(ord(c) <= 0x20 or c == "\x7f" for c in url):
            raise _fail(
                "The URL has spaces, control or non-ASCII characters.", "resolve.bad_url", url
            )
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme != "https" and not (scheme == "http" and self.allow_http):
            raise _fail(
                f"Only https URLs are fetched, not {scheme or 'scheme-less'} ones.",
                "resolve.forbidden_scheme",
                url,
            )
        try:
            port = parts.port
        except ValueError:
            raise _fail("The URL has an invalid port.", "resolve.bad_url", url) from None
        if not parts.hostname or parts.username is not None or parts.password is not None:
            raise _fail(
                "The URL needs a host and must not carry credentials.", "resolve.bad_url", url
            )
        tls = scheme == "https"
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return _Target(url, tls, parts.hostname, port or (443 if tls else 80), path)

    def _allowed(self, ip: IpAddress) -> bool:
        return any(ip in net for net in self.allowed_networks) or not is_forbidden_address(ip)

    def _addresses(self, target: _Target) -> list[str]:
        try:
            infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise _fail(f"{target.host} could not be resolved.", "resolve.dns", target.url) from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not self._allowed(ip):
                raise _fail(
                    f"{target.host} resolves to {ip}, which is not a public address.",
                    "resolve.forbidden_address",
                    target.url,
                    address=str(ip),
                )
        if not addresses:
            raise _fail(f"{target.host} has no address.", "resolve.dns", target.url)
        return addresses

    def _exchange(
        self, target: _Target, addresses: list[str], accept: str, deadline: float
    ) -> tuple[int, dict[str, str], bytes]:
        last: BaseException | None = None
        for address in addresses:
            conn = _PinnedConnection(
                target.host,
                target.port,
                ip=address,
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
                tls=self._tls if target.tls else None,
            )
            try:
                return self._request(conn, target, accept, deadline)
            except (ConnectionRefusedError, ConnectionResetError) as exc:
                last = exc  # try the host's next address
            except ResolutionError:
                raise
            except TimeoutError as exc:
                raise _fail(f"{target.url} timed out.", "resolve.timeout", target.url) from exc
            except ssl.SSLError as exc:
                raise _fail(
                    f"TLS with {target.host} failed: {exc}", "resolve.tls", target.url
                ) from exc
            except http.client.HTTPException as exc:
                raise _fail(
                    f"{target.url} broke HTTP: {exc!r}", "resolve.protocol", target.url
                ) from exc
            except OSError as exc:
                last = exc
            finally:
                conn.close()
        raise _fail(f"Could not connect to {target.host}: {last}", "resolve.connection", target.url)

    def _request(
        self, conn: _PinnedConnection, target: _Target, accept: str, deadline: float
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Accept": accept, "Accept-Encoding": "identity", "User-Agent": self.user_agent}
        conn.request("GET", target.path, headers=headers)
        response = conn.getresponse()
        head = {k.lower(): v for k, v in response.getheaders()}
        if response.status in _REDIRECTS or not 200 <= response.status < 300:
            return response.status, head, b""
        return response.status, head, self._read_body(response, head, target, deadline)

    def _read_body(
        self,
        response: http.client.HTTPResponse,
        head: dict[str, str],
        target: _Target,
        deadline: float,
    ) -> bytes:
        declared = head.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large(target.url)
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise self._too_large(target.url)
            if self._clock() > deadline:
                raise _fail(f"{target.url} took too long to send.", "resolve.timeout", target.url)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, url: str) -> ResolutionError:
        return _fail(
            f"{url} sent more than {self.max_bytes:,} bytes.",
            "resolve.too_large",
            url,
            max_bytes=self.max_bytes,
        )


class CachingFetcher:
    """Remembers successful fetches for ``ttl_seconds`` (by URL and Accept), LRU-bounded.

    Verifying a batch of badges from one issuer asks for the same DID document and status list
    again and again; a short TTL keeps that cheap without pinning stale revocation data.
    Thread-safe, because the web app shares one fetcher between requests.
    """

    def __init__(
        self,
        inner: Fetcher,
        ttl_seconds: float,
        clock: Callable[[], float],
        *,
        max_entries: int = 256,
        max_total_bytes: int = 32 * 1024 * 1024,
    ) -> None:
        self._inner = inner
        self._ttl = ttl_seconds
        self._clock = clock
        self._max_entries = max_entries
        self._max_bytes = max_total_bytes
        self._entries: OrderedDict[tuple[str, str], tuple[float, FetchedDocument]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        key = (url, accept)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] > self._clock():
                self._entries.move_to_end(key)
                return hit[1]
        document = self._inner.fetch(url, accept=accept)
        if 200 <= document.status < 300 and len(document.body) <= self._max_bytes:
            with self._lock:
                self._store(key, document)
        return document

    def _store(self, key: tuple[str, str], document: FetchedDocument) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old[1].body)
        self._entries[key] = (self._clock() + self._ttl, document)
        self._bytes += len(document.body)
        while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)

    def clear(self) -> None:
        """Forget everything (e.g. after an issuer rotates keys)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class MappingFetcher:
    """Serves documents from memory: URL → bytes or a JSON-ready dict.  Unknown URLs fail.

    A fragment in the URL is ignored, as an HTTP client would never send it.
    """

    def __init__(self, documents: Mapping[str, bytes | Mapping[str, Any]]) -> None:
        self._documents = dict(documents)

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        value = self._documents.get(url)
        if value is None:
            value = self._documents.get(url.split("#", 1)[0])
        if value is None:
            raise _fail(
                f"{url} is not among the local documents.", "resolve.not_found", url, status=404
            )
        body = value if isinstance(value, bytes) else json.dumps(value).encode("utf-8")
        return FetchedDocument(url.split("#", 1)[0], 200, "application/json", body)
