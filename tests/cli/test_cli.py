"""The ``insignia`` command, run in-process: exit codes, output, and byte-exact signing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from insignia.cli.main import main
from tests.support.paths import VECTORS

TV = VECTORS / "w3c-vc-di-eddsa" / "TestVectors"
DCC = VECTORS / "dcc-verifier-core"
OFFLINE = [
    "--offline",
    "--at",
    "2026-11-28T00:00:00Z",
    "--status-dir",
    str(DCC / "status"),
    "--did-docs",
    str(DCC / "did-web"),
]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def vector_seed() -> str:
    from insignia.core.keys import Ed25519Signer

    pair = json.loads((TV / "keyPair.json").read_text())
    return Ed25519Signer.from_multibase(pair["privateKeyMultibase"]).seed.hex()


def test_valid_badge_exits_0_and_says_valid() -> None:
    code, out, err = run("verify", *OFFLINE, str(DCC / "credentials" / "v2WithValidStatus.json"))
    assert code == 0, out + err
    assert "VALID: every check passed" in out
    assert "PASS  proof.signature" in out


def test_revoked_badge_exits_1_with_reason() -> None:
    code, out, _ = run("verify", *OFFLINE, str(DCC / "credentials" / "v2Revoked.json"))
    assert code == 1
    assert "FAIL  status.revocation" in out
    assert "NOT VALID" in out


def test_json_report_shape() -> None:
    code, out, _ = run("verify", "--json", *OFFLINE, str(DCC / "credentials" / "v2Expired.json"))
    report = json.loads(out)
    assert code == 1
    assert report["valid"] is False
    codes = {c["code"]: c["outcome"] for c in report["checks"]}
    assert codes["dates.valid_until"] == "fail"
    assert codes["proof.signature"] == "pass"


def test_at_moves_the_clock() -> None:
    args = ["verify", "--offline", str(DCC / "credentials" / "v2Expired.json")]
    assert run(*args[:1], "--at", "2010-06-01T00:00:00Z", *args[1:])[0] == 0
    assert run(*args[:1], "--at", "2030-01-01", *args[1:])[0] == 1


@pytest.mark.parametrize(
    "content", [b"", b"not a badge", b"{", b"[" * 20000, b"\x89PNG\r\n\x1a\nbroken"]
)
def test_unusable_input_exits_2_without_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "input"
    path.write_bytes(content)
    code, out, err = run("verify", "--offline", str(path))
    assert code == 2
    assert err.startswith("insignia: ")
    assert "Traceback" not in out + err


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("verify", str(tmp_path / "nope.json"))
    assert code == 2
    assert "nope.json" in err


def test_url_offline_is_a_clear_error() -> None:
    code, _, err = run("verify", "--offline", "https://badges.example/1")
    assert code == 2
    assert "offline" in err


def test_sign_reproduces_the_w3c_vector_byte_for_byte(tmp_path: Path) -> None:
    expected = json.loads((TV / "eddsa-rdfc-2022" / "signedDataInt.json").read_text())
    config = json.loads((TV / "eddsa-rdfc-2022" / "proofConfigDataInt.json").read_text())
    code, out, err = run(
        "sign",
        str(TV / "unsigned.json"),
        "--seed",
        vector_seed(),
        "--verification-method",
        config["verificationMethod"],
        "--created",
        config["created"],
    )
    assert code == 0, err
    assert json.loads(out) == expected


def test_sign_jcs_reproduces_the_vector() -> None:
    expected = json.loads((TV / "eddsa-jcs-2022" / "signedJCS.json").read_text())
    config = json.loads((TV / "eddsa-jcs-2022" / "proofConfigJCS.json").read_text())
    code, out, _ = run(
        "sign",
        str(TV / "unsigned.json"),
        "--seed",
        vector_seed(),
        "--suite",
        "eddsa-jcs-2022",
        "--verification-method",
        config["verificationMethod"],
        "--created",
        config["created"],
    )
    assert code == 0
    assert json.loads(out)["proof"]["proofValue"] == expected["proof"]["proofValue"]


def test_canonize_prints_the_hashed_bytes() -> None:
    code, out, _ = run("canonize", str(TV / "unsigned.json"))
    assert code == 0
    assert out == (TV / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_text()
    code, out, _ = run("canonize", "--proof", str(TV / "eddsa-rdfc-2022" / "signedDataInt.json"))
    assert out == (TV / "eddsa-rdfc-2022" / "proofCanonDataInt.txt").read_text()


def test_keys_new_is_deterministic_from_a_seed_and_private_on_disk(tmp_path: Path) -> None:
    code, out, _ = run("keys", "new", "--seed", "a1" * 32)
    key = json.loads(out)
    assert code == 0
    assert key["publicKeyMultibase"].startswith("z6Mk")
    assert key["id"] == f"{key['controller']}#{key['publicKeyMultibase']}"
    target = tmp_path / "issuer-key.json"
    assert run("keys", "new", "--out", str(target))[0] == 0
    assert target.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("kind", ["p256", "rsa"])
def test_keys_new_jwk_kinds(kind: str) -> None:
    code, out, _ = run("keys", "new", "--type", kind)
    key = json.loads(out)
    assert code == 0
    assert "d" in key["privateKeyJwk"]
    assert "d" not in key["publicKeyJwk"]


def _issuer_credential(tmp_path: Path, seed: str) -> tuple[Path, Path]:
    """An OB 3.0 credential whose issuer is the did:key of ``seed``; returns (key, credential)."""
    key_file = tmp_path / "key.json"
    key_file.write_text(run("keys", "new", "--seed", seed)[1])
    did = json.loads(key_file.read_text())["controller"]
    doc = json.loads(
        (VECTORS / "1edtech-ob-spec/impl-guide-test-vectors/obv3p0/unsigned.json").read_text()
    )
    doc["issuer"]["id"] = did
    cred = tmp_path / "unsigned.json"
    cred.write_text(json.dumps(doc))
    return key_file, cred


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"])
def test_sign_then_verify_round_trip(tmp_path: Path, suite: str) -> None:
    key_file, cred = _issuer_credential(tmp_path, "b2" * 32)
    signed = tmp_path / "signed"
    code, _, err = run(
        "sign",
        str(cred),
        "--key",
        str(key_file),
        "--suite",
        suite,
        "--created",
        "2026-01-01T00:00:00Z",
        "--out",
        str(signed),
    )
    assert code == 0, err
    code, out, err = run("verify", "--offline", "--at", "2026-11-28T00:00:00Z", str(signed))
    assert code == 0, out + err


def test_bake_unbake_and_verify_the_image(tmp_path: Path) -> None:
    key_file, cred = _issuer_credential(tmp_path, "c3" * 32)
    signed = tmp_path / "signed.json"
    run(
        "sign",
        str(cred),
        "--key",
        str(key_file),
        "--created",
        "2026-01-01T00:00:00Z",
        "--out",
        str(signed),
    )
    image = VECTORS / "ob2-concentricsky-openbadges-bakery" / "public_domain_heart.png"
    baked = tmp_path / "baked.png"
    code, _, err = run("bake", str(image), str(signed), "--out", str(baked))
    assert code == 0, err
    code, out, _ = run("unbake", str(baked))
    assert json.loads(out) == json.loads(signed.read_text())
    code, out, _ = run("verify", "--offline", "--at", "2026-11-28T00:00:00Z", str(baked))
    assert code == 0, out
    assert "PASS  input.baked" in out


def test_tampered_signed_file_fails(tmp_path: Path) -> None:
    key_file, cred = _issuer_credential(tmp_path, "d4" * 32)
    signed = tmp_path / "signed.json"
    run(
        "sign",
        str(cred),
        "--key",
        str(key_file),
        "--created",
        "2026-01-01T00:00:00Z",
        "--out",
        str(signed),
    )
    doc = json.loads(signed.read_text())
    doc["credentialSubject"]["achievement"]["name"] = "Something else"
    signed.write_text(json.dumps(doc))
    code, out, _ = run("verify", "--offline", "--at", "2026-11-28T00:00:00Z", str(signed))
    assert code == 1
    assert "FAIL  proof.signature" in out


def test_help_lists_every_command() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("verify", "sign", "canonize", "keys", "bake", "unbake", "manage"):
        assert command in out


def test_loopback_https_is_fetched_over_http_and_nothing_else_is_rewritten() -> None:
    from insignia.cli.commands import LoopbackHttpFetcher
    from insignia.core.fetch import FetchedDocument

    seen: list[str] = []

    class Recorder:
        def fetch(self, url: str, *, accept: str) -> FetchedDocument:
            seen.append(url)
            return FetchedDocument(url=url, status=200, content_type="application/json", body=b"{}")

    fetcher = LoopbackHttpFetcher(Recorder())
    fetcher.fetch("https://localhost:8000/issuers/x/did.json", accept="*/*")
    fetcher.fetch("https://127.0.0.1/status/1", accept="*/*")
    fetcher.fetch("https://example.edu/did.json", accept="*/*")
    fetcher.fetch("https://localhost.example.com/x", accept="*/*")
    assert seen == [
        "http://localhost:8000/issuers/x/did.json",
        "http://127.0.0.1/status/1",
        "https://example.edu/did.json",
        "https://localhost.example.com/x",
    ]
