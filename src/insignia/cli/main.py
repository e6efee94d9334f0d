"""The ``insignia`` command: verify, sign, canonize, bake and unbake badges; manage the site.

Exit status: 0 success (for ``verify``: the badge is valid), 1 the badge is not valid,
2 the input or the command line cannot be used.  Errors are printed as one clear sentence,
never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from typing import TextIO

from insignia import __version__
from insignia.cli import commands
from insignia.core.errors import InsigniaError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand (kept in one place for ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="insignia",
        description="Open Badges 3.0 credentials: verify, sign, canonize, bake, unbake.",
    )
    parser.add_argument("--version", action="version", version=f"insignia {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    verify = sub.add_parser(
        "verify",
        help="verify a badge: JSON, JWT, baked PNG/SVG, URL, or OB 2.0",
        description="Verify a badge and print one line per check. Exit 0 valid, 1 not valid, "
        "2 unusable input.",
    )
    verify.add_argument("source", help="a file, a URL, or - for standard input")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument(
        "--at",
        metavar="TIME",
        help="verify as of this moment (ISO 8601, e.g. 2030-01-01T00:00:00Z)",
    )
    verify.add_argument(
        "--offline",
        action="store_true",
        help="never use the network (status lists and did:web keys come only from local folders)",
    )
    verify.add_argument(
        "--did-docs",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of DID / controller documents to resolve keys from (repeatable)",
    )
    verify.add_argument(
        "--status-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of status list credentials and other documents (repeatable)",
    )
    verify.add_argument(
        "--recipient", metavar="EMAIL", help="check the badge was issued to this email"
    )
    verify.add_argument(
        "--strict",
        action="store_true",
        help="fail on any departure from the OB 3.0 schema (as the 1EdTech validator does)",
    )
    verify.add_argument("--no-status", action="store_true", help="do not check revocation status")
    verify.add_argument(
        "--show-credential", action="store_true", help="with --json, include the credential"
    )

    keys = sub.add_parser("keys", help="create signing keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    new = keys_sub.add_parser("new", help="create a new key and print it as JSON")
    new.add_argument("--type", choices=["ed25519", "p256", "rsa"], default="ed25519")
    new.add_argument(
        "--out", metavar="FILE", help="write the key file here (mode 0600) instead of stdout"
    )
    new.add_argument("--seed", metavar="HEX", help="derive an Ed25519 key from this 32-byte seed")

    sign = sub.add_parser(
        "sign",
        help="sign a credential (reproducible byte for byte)",
        description="Sign a credential. Same key, verification method, suite and time give the "
        "same output, byte for byte.",
    )
    sign.add_argument("source", help="the unsigned credential (file or -)")
    key_group = sign.add_mutually_exclusive_group(required=True)
    key_group.add_argument("--key", metavar="FILE", help="a key file from `insignia keys new`")
    key_group.add_argument("--seed", metavar="HEX", help="a 32-byte Ed25519 seed as 64 hex digits")
    sign.add_argument(
        "--verification-method",
        metavar="ID",
        help="the verification method id (default: the key's did:key#fragment)",
    )
    sign.add_argument(
        "--suite",
        default="eddsa-rdfc-2022",
        choices=["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"],
        help="proof format (default eddsa-rdfc-2022)",
    )
    sign.add_argument(
        "--created", metavar="TIME", help="the proof's created time (ISO 8601); default now"
    )
    sign.add_argument("--out", metavar="FILE", help="write here instead of stdout")

    canon = sub.add_parser("canonize", help="print the exact bytes a proof hashes")
    canon.add_argument("source", help="a credential (file or -)")
    canon.add_argument(
        "--suite", default="eddsa-rdfc-2022", choices=["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    )
    canon.add_argument("--proof", action="store_true", help="print the proof configuration instead")

    bake = sub.add_parser("bake", help="bake a credential into a PNG or SVG image")
    bake.add_argument("image", help="the PNG or SVG image")
    bake.add_argument("credential", help="the signed credential: JSON or compact JWT (file or -)")
    bake.add_argument(
        "--out", "-o", metavar="FILE", required=True, help="where to write the baked image"
    )

    unbake = sub.add_parser("unbake", help="print the credential baked into a PNG or SVG image")
    unbake.add_argument("image", help="the baked image (file or -)")

    manage = sub.add_parser(
        "manage", help="run a Django management command of the platform", add_help=False
    )
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the CLI; return the exit status (0, 1 or 2)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = build_parser()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return commands.dispatch(args, out, err)
    except InsigniaError as exc:
        print(f"insignia: {exc.message} [{exc.code}]", file=err)
        return 2
    except OSError as exc:
        print(f"insignia: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=err)
        return 2
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
