"""POST one signed delivery to a subscriber's endpoint, safely.

Subscribers choose the URL, so this is server-side request forgery territory: the host is
resolved here, every address is judged with the engine's :func:`is_forbidden_address`
(loopback, private, link-local, multicast, reserved, and IPv4 hidden in IPv6), and the
connection goes to the very address that was checked (a second DNS answer cannot swap in an
internal one).  Loopback is allowed only when ``INSIGNIA_WEBHOOKS_ALLOW_LOOPBACK`` is on
(development and tests), and plain ``http`` only to loopback.  Redirects are never followed
(the ``Location`` could point anywhere); no proxy from the environment is used.  The answer's
status is what counts; at most a short excerpt of its body is read.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from insignia.core.fetch import IpAddress, is_forbidden_address

USER_AGENT = "Insignia-Webhooks/1.0"
EXCERPT_BYTES = 512

Resolver = Callable[..., list[tuple[Any, ...]]]


class Refused(Exception):
    """The target may not be reached (scheme, host or address); trying again will not help."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What came back: an HTTP status, or an error before any status (``status`` None)."""

    status: int | None
    error: str
    ms: int


def address_allowed(ip: IpAddress, *, allow_loopback: bool) -> bool:
    """True when a delivery may connect to ``ip``."""
    if allow_loopback and ip.is_loopback:
        return True
    return not is_forbidden_address(ip)


def check_url(url: str, *, allow_loopback: bool) -> tuple[str, str, int, str]:
    """Split ``url`` into (scheme, host, port, path) or refuse it (without resolving it).

    :raises Refused: for schemes other than https (http only with loopback allowed), URLs with
        user names or passwords, and literal addresses that may not be reached.
    """
    if not url.isascii() or any(ord(c) <= 0x20 or c == "\x7f" for c in url):
        raise Refused("The URL has spaces, control or non-ASCII characters.")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise Refused("Only https URLs receive webhooks.")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise Refused("The URL needs a host and must not carry a user name or password.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise Refused("The URL has an invalid port.") from None
    host = parts.hostname
    literal = _literal(host)
    if scheme == "http":
        loopback_name = host == "localhost" or (literal is not None and literal.is_loopback)
        if not (allow_loopback and loopback_name):
            raise Refused("Only https URLs receive webhooks.")
    if literal is not None and not address_allowed(literal, allow_loopback=allow_loopback):
        raise Refused(f"{literal} is not a public address.")
    local_name = host.rstrip(".").lower()
    if not allow_loopback and (local_name == "localhost" or local_name.endswith(".localhost")):
        raise Refused(f"{host} is this machine, not a public address.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port, path


def _literal(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def resolve_addresses(
    host: str, port: int, *, allow_loopback: bool, resolve: Resolver | None = None
) -> list[str]:
    """The addresses of ``host``, all of them allowed.

    :raises Refused: when any address may not be reached (one bad answer is enough: the
        resolver could hand it out next time).
    :raises OSError: when the name does not resolve (may be temporary).
    """
    infos = (resolve or socket.getaddrinfo)(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise OSError(f"{host} has no address.")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not address_allowed(ip, allow_loopback=allow_loopback):
            raise Refused(f"{host} resolves to {ip}, which is not a public address.")
    return addresses


class _PinnedConnection(http.client.HTTPConnection):
    """A connection to an address checked in advance, speaking to ``host`` by name (Host
    header and TLS server name)."""

    def __init__(
        self, host: str, port: int, *, ip: str, timeout: float, tls: ssl.SSLContext | None
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self.default_port = 443 if tls is not None else 80
        self._ip, self._tls = ip, tls

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), timeout=self.timeout)
        try:
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


def post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout: float,
    allow_loopback: bool,
    resolve: Resolver | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> Answer:
    """POST ``body`` as JSON to ``url`` and report the answer.

    :raises Refused: when the URL or the addresses it resolves to may not be reached.
    """
    started = time.monotonic()
    scheme, host, port, path = check_url(url, allow_loopback=allow_loopback)

    def answer(status: int | None, error: str) -> Answer:
        return Answer(status, error[:500], int((time.monotonic() - started) * 1000))

    try:
        addresses = resolve_addresses(host, port, allow_loopback=allow_loopback, resolve=resolve)
    except (OSError, UnicodeError) as exc:
        return answer(None, f"{host} could not be resolved: {exc}")
    tls = (ssl_context or ssl.create_default_context()) if scheme == "https" else None
    request_headers = {
        **headers,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "identity",
    }
    error = "no address answered"
    for address in addresses:
        conn = _PinnedConnection(host, port, ip=address, timeout=timeout, tls=tls)
        # A whole exchange may take at most twice the timeout, however slowly the other side
        # drips its bytes (each of which would restart a socket timeout).
        cut = threading.Event()
        watchdog = threading.Timer(2 * timeout, _cut, args=(conn, cut))
        watchdog.start()
        result: Answer | None = None
        try:
            conn.request("POST", path, body=body, headers=request_headers)
            response = conn.getresponse()
            excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace").strip()
            status = response.status
            if 300 <= status < 400:
                where = response.getheader("Location", "")
                result = answer(status, f"Redirected to {where}; redirects are not followed.")
            else:
                result = answer(status, "" if 200 <= status < 300 else excerpt)
        except (ConnectionRefusedError, ConnectionResetError) as exc:
            error = f"connection to {address} failed: {exc}"  # try the next address
        except TimeoutError:
            result = answer(None, f"no answer within {timeout:g} seconds")
        except ssl.SSLError as exc:
            result = answer(None, f"TLS with {host} failed: {exc}")
        except (http.client.HTTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        finally:
            watchdog.cancel()
            conn.close()
        if cut.is_set():  # whatever was read before the cut is not an answer
            return answer(None, f"no complete answer within {2 * timeout:g} seconds")
        if result is not None:
            return result
    return answer(None, error)


def _cut(conn: http.client.HTTPConnection, cut: threading.Event) -> None:
    """Interrupt a blocked read (``shutdown`` wakes it; ``close`` alone may not)."""
    cut.set()
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
