"""Fetchers: a real HTTP(S) exchange with a loopback server, SSRF refusals, limits, caching.

No test leaves the machine: the server listens on 127.0.0.1, names other than IP literals are
resolved by a patched ``getaddrinfo``, and refused addresses are refused before any connect.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from insignia.core.errors import ResolutionError
from insignia.core.fetch import (
    CachingFetcher,
    FetchedDocument,
    HttpFetcher,
    MappingFetcher,
    is_forbidden_address,
)

LOOPBACK = ("127.0.0.1/32",)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # silence the test output
        pass

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        headers.setdefault("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Transfer_Encoding" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/doc":
            self._send(200, b'{"id": "doc"}')
        elif path == "/echo":
            text = f'{{"host": "{self.headers["Host"]}", "accept": "{self.headers["Accept"]}"}}'
            self._send(200, text.encode())
        elif path == "/big":
            self._send(200, b"x" * 5000)
        elif path == "/big-declared":
            self.send_response(200)
            self.send_header("Content-Length", "999999999")
            self.end_headers()
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(10):
                self.wfile.write(b"3e8\r\n" + b"y" * 1000 + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/slow":
            time.sleep(1.0)
            self._send(200, b"{}")
        elif path.startswith("/redirect-to?"):
            self._send(302, Location=path.split("?", 1)[1])
        elif path == "/loop":
            self._send(301, Location="/loop")
        elif path == "/no-location":
            self._send(302)
        elif path == "/gone":
            self._send(410, b"gone")
        else:
            self._send(404, b"nope")


def _serve(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def http_base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    for running in _serve(server):
        yield f"http://127.0.0.1:{running.server_address[1]}"


def _self_signed(name: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=36500))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, bytes]]:
    """A TLS server on 127.0.0.1 whose certificate names ``issuer.test``."""
    cert, key = _self_signed("issuer.test")
    folder: Path = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert)
    (folder / "key.pem").write_bytes(key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    for running in _serve(server):
        yield running.server_address[1], cert


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names → addresses, answered without any DNS traffic."""
    table: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host in table:
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in table[host]
            ]
        ipaddress.ip_address(host)  # anything else must be a literal: never ask real DNS
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


def _local(**kwargs: Any) -> HttpFetcher:
    return HttpFetcher(allow_http=True, allow_addresses=LOOPBACK, **kwargs)


# ---------------------------------------------------------------------------- happy paths


def test_fetches_a_document_from_the_loopback_server(http_base: str) -> None:
    doc = _local().fetch(f"{http_base}/doc", accept="application/did+json")
    assert doc == FetchedDocument(f"{http_base}/doc", 200, "application/json", b'{"id": "doc"}')
    assert doc.json() == {"id": "doc"}


def test_sends_accept_and_the_host_name_while_connecting_to_the_checked_address(
    http_base: str, fake_dns: dict[str, list[str]]
) -> None:
    port = http_base.rsplit(":", 1)[1]
    fake_dns["issuer.test"] = ["127.0.0.1"]
    doc = _local().fetch(f"http://issuer.test:{port}/echo", accept="application/did+json")
    assert doc.json() == {"host": f"issuer.test:{port}", "accept": "application/did+json"}


def test_follows_relative_and_absolute_redirects(http_base: str) -> None:
    fetcher = _local()
    assert fetcher.fetch(f"{http_base}/redirect-to?/doc").url == f"{http_base}/doc"
    absolute = f"{http_base}/redirect-to?{http_base}/doc"
    assert fetcher.fetch(absolute).json() == {"id": "doc"}


def test_reads_chunked_bodies(http_base: str) -> None:
    assert len(_local().fetch(f"{http_base}/chunked").body) == 10_000


def test_https_verifies_the_certificate_for_the_host_name(
    https_server: tuple[int, bytes], fake_dns: dict[str, list[str]]
) -> None:
    port, cert = https_server
    fake_dns["issuer.test"] = ["127.0.0.1"]
    fake_dns["other.test"] = ["127.0.0.1"]
    trusting = ssl.create_default_context(cadata=cert.decode())
    fetcher = HttpFetcher(allow_addresses=LOOPBACK, ssl_context=trusting)
    assert fetcher.fetch(f"https://issuer.test:{port}/doc").json() == {"id": "doc"}
    with pytest.raises(ResolutionError) as err:  # same server, name not on the certificate
        fetcher.fetch(f"https://other.test:{port}/doc")
    assert err.value.code == "resolve.tls"
    with pytest.raises(ResolutionError) as err:  # certificate not trusted by default
        HttpFetcher(allow_addresses=LOOPBACK).fetch(f"https://issuer.test:{port}/doc")
    assert err.value.code == "resolve.tls"


def test_https_never_redirects_down_to_http(
    https_server: tuple[int, bytes], http_base: str, fake_dns: dict[str, list[str]]
) -> None:
    port, cert = https_server
    fake_dns["issuer.test"] = ["127.0.0.1"]
    fetcher = HttpFetcher(
        allow_addresses=LOOPBACK, ssl_context=ssl.create_default_context(cadata=cert.decode())
    )
    with pytest.raises(ResolutionError) as err:
        fetcher.fetch(f"https://issuer.test:{port}/redirect-to?{http_base}/doc")
    assert err.value.code == "resolve.forbidden_scheme"


# ------------------------------------------------------------------------------- limits


def test_body_larger_than_the_limit_is_refused_while_streaming(http_base: str) -> None:
    for path in ("/big", "/chunked"):
        with pytest.raises(ResolutionError) as err:
            _local(max_bytes=4096).fetch(http_base + path)
        assert err.value.code == "resolve.too_large"


def test_declared_length_over_the_limit_is_refused_before_reading(http_base: str) -> None:
    with pytest.raises(ResolutionError) as err:
        _local(max_bytes=4096).fetch(f"{http_base}/big-declared")
    assert err.value.code == "resolve.too_large"


def test_read_timeout(http_base: str) -> None:
    with pytest.raises(ResolutionError) as err:
        _local(read_timeout=0.2).fetch(f"{http_base}/slow")
    assert err.value.code == "resolve.timeout"


def test_total_deadline_is_checked_while_reading(http_base: str) -> None:
    ticks = iter(range(0, 10_000, 100))
    fetcher = _local(total_timeout=30, clock=lambda: float(next(ticks)))
    with pytest.raises(ResolutionError) as err:
        fetcher.fetch(f"{http_base}/chunked")
    assert err.value.code == "resolve.timeout"


def test_redirect_limit(http_base: str) -> None:
    with pytest.raises(ResolutionError) as err:
        _local(max_redirects=2).fetch(f"{http_base}/loop")
    assert err.value.code == "resolve.too_many_redirects"


@pytest.mark.parametrize(
    ("path", "status"), [("/gone", 410), ("/missing", 404), ("/no-location", 302)]
)
def test_http_errors_carry_the_status(http_base: str, path: str, status: int) -> None:
    with pytest.raises(ResolutionError) as err:
        _local().fetch(http_base + path)
    assert err.value.code == "resolve.http_status"
    assert err.value.detail["status"] == status


def test_connection_refused(fake_dns: dict[str, list[str]]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ResolutionError) as err:
        _local(connect_timeout=1).fetch(f"http://127.0.0.1:{port}/")
    assert err.value.code == "resolve.connection"


# --------------------------------------------------------------------------------- SSRF


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "64:ff9b::a00:1",
        "2001:0::1",
    ],
)
def test_non_public_addresses_are_forbidden(address: str) -> None:
    assert is_forbidden_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "64:ff9b::808:808"]
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_forbidden_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/",
        "https://10.0.0.8/did.json",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://0.0.0.0/",
    ],
)
def test_default_fetcher_refuses_internal_targets(url: str) -> None:
    with pytest.raises(ResolutionError) as err:
        HttpFetcher().fetch(url)
    assert err.value.code == "resolve.forbidden_address"


def test_a_name_with_any_internal_address_is_refused(fake_dns: dict[str, list[str]]) -> None:
    fake_dns["rebind.test"] = ["93.184.215.14", "127.0.0.1"]
    with pytest.raises(ResolutionError) as err:
        HttpFetcher().fetch("https://rebind.test/did.json")
    assert err.value.code == "resolve.forbidden_address"
    assert err.value.detail["address"] == "127.0.0.1"


def test_a_redirect_into_the_private_network_is_refused(http_base: str) -> None:
    with pytest.raises(ResolutionError) as err:
        _local().fetch(f"{http_base}/redirect-to?http://10.0.0.1/admin")
    assert err.value.code == "resolve.forbidden_address"


def test_loopback_is_refused_without_the_explicit_allowance(http_base: str) -> None:
    with pytest.raises(ResolutionError) as err:
        HttpFetcher(allow_http=True).fetch(f"{http_base}/doc")
    assert err.value.code == "resolve.forbidden_address"


def test_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(ResolutionError) as err:
        HttpFetcher().fetch("https://no-such-host.test/")
    assert err.value.code == "resolve.dns"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://example.com/", "resolve.forbidden_scheme"),
        ("ftp://example.com/", "resolve.forbidden_scheme"),
        ("file:///etc/passwd", "resolve.forbidden_scheme"),
        ("example.com/did.json", "resolve.forbidden_scheme"),
        ("https:///did.json", "resolve.bad_url"),
        ("https://user:secret@example.com/", "resolve.bad_url"),
        ("https://example.com:99999/", "resolve.bad_url"),
        ("https://exa mple.com/", "resolve.bad_url"),
        ("https://example.com/\r\nX-Injected: 1", "resolve.bad_url"),
        ("https://exämple.com/", "resolve.bad_url"),
    ],
)
def test_bad_urls_fail_before_any_lookup(url: str, code: str) -> None:
    with pytest.raises(ResolutionError) as err:
        HttpFetcher().fetch(url)
    assert err.value.code == code


# ------------------------------------------------------------------- caching and mapping


class _Counting:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def fetch(self, url: str, *, accept: str) -> FetchedDocument:
        self.calls.append(url)
        status = 404 if "missing" in url else 200
        return FetchedDocument(url, status, "application/json", url.encode() * 10)


def test_caching_fetcher_reuses_answers_until_the_ttl_passes() -> None:
    now = [1000.0]
    inner = _Counting()
    cache = CachingFetcher(inner, ttl_seconds=60, clock=lambda: now[0])
    first = cache.fetch("https://a.test/1", accept="application/json")
    assert cache.fetch("https://a.test/1", accept="application/json") is first
    assert inner.calls == ["https://a.test/1"]
    cache.fetch("https://a.test/1", accept="text/plain")  # another Accept is another entry
    assert len(inner.calls) == 2
    now[0] += 61
    cache.fetch("https://a.test/1", accept="application/json")
    assert len(inner.calls) == 3


def test_caching_fetcher_is_bounded_and_skips_errors() -> None:
    inner = _Counting()
    cache = CachingFetcher(inner, ttl_seconds=60, clock=lambda: 0.0, max_entries=3)
    for i in range(5):
        cache.fetch(f"https://a.test/{i}", accept="*/*")
    assert len(cache) == 3
    cache.fetch("https://a.test/0", accept="*/*")  # evicted, fetched again
    assert inner.calls.count("https://a.test/0") == 2
    cache.fetch("https://a.test/missing", accept="*/*")
    cache.fetch("https://a.test/missing", accept="*/*")
    assert inner.calls.count("https://a.test/missing") == 2
    small = CachingFetcher(inner, ttl_seconds=60, clock=lambda: 0.0, max_total_bytes=300)
    for i in range(5):
        small.fetch(f"https://a.test/{i}", accept="*/*")  # 160 bytes each
    assert len(small) == 1
    small.clear()
    assert len(small) == 0


def test_mapping_fetcher_serves_bytes_and_dicts_and_ignores_fragments() -> None:
    fetcher = MappingFetcher({"https://a.test/doc": {"id": "x"}, "https://a.test/raw": b"[1]"})
    assert fetcher.fetch("https://a.test/doc#key-1", accept="application/json").json() == {
        "id": "x"
    }
    assert fetcher.fetch("https://a.test/raw", accept="*/*").body == b"[1]"
    with pytest.raises(ResolutionError) as err:
        fetcher.fetch("https://a.test/raw", accept="*/*").json()
    assert err.value.code == "resolve.bad_document"
    with pytest.raises(ResolutionError) as err:
        fetcher.fetch("https://a.test/other", accept="*/*")
    assert err.value.code == "resolve.not_found"
