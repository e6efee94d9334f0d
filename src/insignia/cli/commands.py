"""The subcommands of ``insignia``: thin shells over :mod:`insignia.core`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit, urlunsplit

from insignia.cli.output import print_json, print_report
from insignia.core.errors import InputError, KeyFormatError
from insignia.core.fetch import FetchedDocument, Fetcher
from insignia.core.jsonio import parse_json_object
from insignia.core.keys import Ed25519Signer, Signer
from insignia.core.verify.dates import format_datetime, parse_datetime

#: Networks the CLI may fetch from although they are not public.
LOOPBACK = ("127.0.0.0/8", "::1/128")

#: Largest file the CLI reads.
MAX_READ = 64 * 1024 * 1024


def read_source(source: str) -> bytes:
    """Read a file or standard input (``-``), bounded in size."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_READ + 1)
    else:
        with open(source, "rb") as handle:
            data = handle.read(MAX_READ + 1)
    if len(data) > MAX_READ:
        raise InputError(f"{source} is larger than {MAX_READ:,} bytes.", code="input.too_large")
    return data


def parse_time(value: str, what: str) -> datetime:
    """Parse a user-given ISO 8601 time (a time without zone is UTC)."""
    text = value.strip()
    if len(text) == 10:  # a bare date
        text += "T00:00:00Z"
    parsed, _ = parse_datetime(text)
    if parsed is None:
        raise InputError(
            f"{what} {value!r} is not an ISO 8601 date and time.", code="input.bad_time"
        )
    return parsed


class ChainFetcher:
    """Ask local folders first, then (unless offline) the network."""

    def __init__(self, *fetchers: Fetcher) -> None:
        self._fetchers = fetchers

    def fetch(self, url: str, *, accept: str) -> FetchedDocument:
        last = FetchedDocument(url=url, status=404, content_type="text/plain", body=b"")
        for fetcher in self._fetchers:
            last = fetcher.fetch(url, accept=accept)
            if last.status < 400:
                return last
        return last


class LoopbackHttpFetcher:
    """Fetch ``https://localhost…`` and ``https://127.0.0.1…`` over plain http.

    did:web always maps to https, but a platform running on the user's own machine (``make
    demo``) serves http.  Only loopback hosts are rewritten, so nothing that crosses a network
    loses TLS.
    """

    def __init__(self, inner: Fetcher) -> None:
        self._inner = inner

    def fetch(self, url: str, *, accept: str) -> FetchedDocument:
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.hostname in {"localhost", "127.0.0.1", "::1"}:
            url = urlunsplit(("http", *parts[1:]))
        return self._inner.fetch(url, accept=accept)


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    from insignia.core.fetch import HttpFetcher
    from insignia.core.localdocs import FolderFetcher
    from insignia.core.resolver import DefaultResolver, documents_from_folder
    from insignia.core.verify import Recipient, VerifyOptions, verify_bytes

    now = parse_time(args.at, "--at") if args.at else datetime.now(UTC)
    fetchers: list[Fetcher] = []
    if args.status_dir:
        fetchers.append(FolderFetcher(args.status_dir))
    if not args.offline:
        # The CLI runs on the user's own machine: plain http and loopback servers (a local
        # Insignia, say) are theirs to point at.  Private networks stay refused.
        fetchers.append(LoopbackHttpFetcher(HttpFetcher(allow_http=True, allow_addresses=LOOPBACK)))
    fetcher = ChainFetcher(*fetchers) if fetchers else None
    documents: dict[str, Any] = {}
    for folder in args.did_docs:
        documents.update(documents_from_folder(Path(folder)))
    options = VerifyOptions(
        now=now,
        resolver=DefaultResolver(fetcher=fetcher, documents=documents),
        fetcher=fetcher,
        recipient=Recipient(args.recipient) if args.recipient else None,
        check_status=not args.no_status,
        strict=args.strict,
    )
    source = args.source
    is_url = source.startswith(("https://", "http://"))
    data = source.encode() if is_url else read_source(source)
    report = verify_bytes(data, options)
    if args.json:
        print_json(report.to_dict(include_credential=args.show_credential), out)
    else:
        print_report(report, out)
    return 0 if report.valid else 1


def load_signer(path: str | None, seed: str | None) -> Signer:
    """A signer from a key file (``keys new`` output, a W3C key pair file, or a JWK) or a seed."""
    if seed is not None:
        try:
            raw = bytes.fromhex(seed)
        except ValueError:
            raise KeyFormatError(
                "--seed must be 64 hexadecimal digits.", code="key.bad_seed"
            ) from None
        return Ed25519Signer.from_seed(raw)
    assert path is not None
    doc = parse_json_object(read_source(path))
    for field in ("secretKeyMultibase", "privateKeyMultibase"):
        if isinstance(doc.get(field), str):
            return Ed25519Signer.from_multibase(doc[field])
    if "kty" in doc or isinstance(doc.get("privateKeyJwk"), dict):
        from insignia.core.keys import signer_from_jwk

        return signer_from_jwk(doc.get("privateKeyJwk", doc))
    raise KeyFormatError(
        f"{path} holds no private key (secretKeyMultibase, privateKeyMultibase or a private JWK).",
        code="key.missing",
    )


def default_verification_method(signer: Signer) -> str:
    """did:key#fragment for Ed25519 keys; other keys need an explicit method."""
    public = signer.public_key
    method = getattr(public, "did_key_verification_method", None)
    if isinstance(method, str):
        return method
    raise InputError(
        "This key has no did:key form: pass --verification-method.", code="input.missing_vm"
    )


def _sign(args: argparse.Namespace, out: TextIO) -> int:
    signer = load_signer(args.key, args.seed)
    credential = parse_json_object(read_source(args.source))
    vm = args.verification_method or default_verification_method(signer)
    created = parse_time(args.created, "--created") if args.created else datetime.now(UTC)
    if args.suite == "vc-jwt":
        from insignia.core.vcjwt import sign_vc_jwt

        text = sign_vc_jwt(credential, signer, kid=vm) + "\n"
    else:
        from insignia.core import proofs

        signed = proofs.sign(
            credential,
            signer,
            verification_method=vm,
            cryptosuite=args.suite,
            created=format_datetime(created),
        )
        text = json.dumps(signed, indent=2, ensure_ascii=False) + "\n"
    _write(args.out, text.encode("utf-8"), out)
    return 0


def _canonize(args: argparse.Namespace, out: TextIO) -> int:
    from insignia.core import proofs

    doc = parse_json_object(read_source(args.source))
    if args.proof:
        proof = doc.get("proof")
        first = proof[0] if isinstance(proof, list) and proof else proof
        if not isinstance(first, dict):
            raise InputError("The document has no proof to canonize.", code="input.no_proof")
        data = proofs.canonical_proof_config(doc, first)
    else:
        data = proofs.canonical_document(doc, args.suite)
    out.write(data.decode("utf-8"))
    return 0


def _keys(args: argparse.Namespace, out: TextIO) -> int:
    if args.type == "ed25519":
        signer = (
            Ed25519Signer.from_seed(bytes.fromhex(args.seed))
            if args.seed
            else Ed25519Signer.generate()
        )
        public = signer.public_key
        doc: dict[str, Any] = {
            "type": "Multikey",
            "id": public.did_key_verification_method,
            "controller": public.did_key,
            "publicKeyMultibase": public.multibase,
            "secretKeyMultibase": signer.secret_multibase,
        }
    else:
        from insignia.core.keys import EcSigner, RsaSigner

        new: EcSigner | RsaSigner = (
            EcSigner.generate() if args.type == "p256" else RsaSigner.generate()
        )
        doc = {
            "type": "JsonWebKey",
            "publicKeyJwk": new.public_key.to_jwk(),
            "privateKeyJwk": new.to_jwk(include_private=True),
        }
    text = json.dumps(doc, indent=2) + "\n"
    if args.out:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(
            f"Wrote {args.out} (public key {doc.get('publicKeyMultibase', '')})".rstrip(), file=out
        )
    else:
        out.write(text)
    return 0


def _bake(args: argparse.Namespace, out: TextIO) -> int:
    from insignia.core import baking
    from insignia.core.inputs import InputKind, sniff

    image = read_source(args.image)
    payload = read_source(args.credential).decode("utf-8").strip()
    kind = sniff(image).kind
    if kind is InputKind.PNG:
        baked = baking.bake_png(image, payload)
    elif kind is InputKind.SVG:
        baked = baking.bake_svg(image, payload)
    else:
        raise InputError("Only PNG and SVG images can be baked.", code="input.not_image")
    _write(args.out, baked, out)
    print(f"Baked the credential into {args.out}.", file=sys.stderr)
    return 0


def _unbake(args: argparse.Namespace, out: TextIO) -> int:
    from insignia.core import baking

    found = baking.unbake(read_source(args.image))
    out.write(found.payload.rstrip("\n") + "\n")
    return 0


def _manage(args: argparse.Namespace, out: TextIO) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insignia.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["insignia manage", *args.args])
    return 0


def _write(path: str | None, data: bytes, out: TextIO) -> None:
    if path and path != "-":
        Path(path).write_bytes(data)
    else:
        out.write(data.decode("utf-8"))


def dispatch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the chosen subcommand."""
    handlers = {
        "verify": _verify,
        "sign": _sign,
        "canonize": _canonize,
        "keys": _keys,
        "bake": _bake,
        "unbake": _unbake,
        "manage": _manage,
    }
    return handlers[args.command](args, out)
