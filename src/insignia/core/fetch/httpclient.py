"""The one fetcher that goes to the network: HTTPS, hardened against the URLs it is given.

The engine never opens a socket by itself; :class:`HttpFetcher` is the real
:class:`~insignia.core.fetch.Fetcher`, written for a verifier that fetches URLs chosen by
strangers (a credential names its own DID document, status list and refresh service).  So it

* refuses hosts resolving to loopback, private, link-local, multicast or reserved addresses
  (server-side request forgery), and connects to the very address it checked, so a second DNS
  answer cannot swap in ``127.0.0.1`` (DNS rebinding) — TLS still verifies the host name;
* speaks https only unless told otherwise, never uses environment proxies, follows a few
  redirects and re-checks every hop;
* bounds connect time, time between bytes, total time and body size (checked while reading).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from insignia.core.errors import ResolutionError
from insignia.core.fetch.base import FetchedDocument, fetch_error
from insignia.core.jsonio import MAX_DOCUMENT_BYTES

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CHUNK = 64 * 1024


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
                    raise fetch_error(
                        f"{current} redirected nowhere.",
                        "resolve.http_status",
                        current,
                        status=status,
                    )
                current = urljoin(current, location)
                continue
            if not 200 <= status < 300:
                raise fetch_error(
                    f"{current} answered HTTP {status}.",
                    "resolve.http_status",
                    current,
                    status=status,
                )
            return FetchedDocument(current, status, headers.get("content-type", ""), body)
        raise fetch_error(
            f"{url} redirected more than {self.max_redirects} times.",
            "resolve.too_many_redirects",
            url,
        )

    def _target(self, url: str) -> _Target:
        if not url.isascii() or any(ord(c) <= 0x20 or c == "\x7f" for c in url):
            raise fetch_error(
                "The URL has spaces, control or non-ASCII characters.", "resolve.bad_url", url
            )
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme != "https" and not (scheme == "http" and self.allow_http):
            raise fetch_error(
                f"Only https URLs are fetched, not {scheme or 'scheme-less'} ones.",
                "resolve.forbidden_scheme",
                url,
            )
        try:
            port = parts.port
        except ValueError:
            raise fetch_error("The URL has an invalid port.", "resolve.bad_url", url) from None
        if not parts.hostname or parts.username is not None or parts.password is not None:
            raise fetch_error(
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
            raise fetch_error(
                f"{target.host} could not be resolved.", "resolve.dns", target.url
            ) from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not self._allowed(ip):
                raise fetch_error(
                    f"{target.host} resolves to {ip}, which is not a public address.",
                    "resolve.forbidden_address",
                    target.url,
                    address=str(ip),
                )
        if not addresses:
            raise fetch_error(f"{target.host} has no address.", "resolve.dns", target.url)
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
                raise fetch_error(
                    f"{target.url} timed out.", "resolve.timeout", target.url
                ) from exc
            except ssl.SSLError as exc:
                raise fetch_error(
                    f"TLS with {target.host} failed: {exc}", "resolve.tls", target.url
                ) from exc
            except http.client.HTTPException as exc:
                raise fetch_error(
                    f"{target.url} broke HTTP: {exc!r}", "resolve.protocol", target.url
                ) from exc
            except OSError as exc:
                last = exc
            finally:
                conn.close()
        raise fetch_error(
            f"Could not connect to {target.host}: {last}", "resolve.connection", target.url
        )

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
                raise fetch_error(
                    f"{target.url} took too long to send.", "resolve.timeout", target.url
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, url: str) -> ResolutionError:
        return fetch_error(
            f"{url} sent more than {self.max_bytes:,} bytes.",
            "resolve.too_large",
            url,
            max_bytes=self.max_bytes,
        )
