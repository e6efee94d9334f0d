"""Valid inputs the fuzzers start from: signed OB 3.0 credentials (both Data Integrity suites
and a VC-JWT), baked PNG and SVG badges, a CSV and an XLSX recipient list."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from PIL import Image

from insignia.core.baking import bake_png, bake_svg
from insignia.core.keys import Ed25519Signer
from insignia.core.proofs import sign
from insignia.core.vcjwt import sign_vc_jwt

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
SIGNER = Ed25519Signer.from_seed(bytes(range(32)))
DID = SIGNER.public_key.did_key_verification_method.split("#", 1)[0]


def credential() -> dict[str, Any]:
    """An unsigned OB 3.0 credential issued by a did:key (verifies fully offline)."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:6a0c4a4e-2f7e-4f55-9a62-0d2f0d1c9a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Fuzz College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "name": "Python for Data Analysis",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + "0" * 64,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "pepper",
                }
            ],
            "achievement": {
                "id": "urn:uuid:0b7b1f55-5a3d-4f0e-8a8c-8d1f36b0d6c2",
                "type": ["Achievement"],
                "name": "Python for Data Analysis",
                "description": "Cleans and analyses data.",
                "criteria": {"narrative": "Pass the practical."},
            },
        },
    }


@cache
def signed_documents() -> tuple[str, ...]:
    """The credential signed with eddsa-rdfc-2022 and with eddsa-jcs-2022 (JSON text)."""
    vm = SIGNER.public_key.did_key_verification_method
    return tuple(
        json.dumps(sign(credential(), SIGNER, verification_method=vm, cryptosuite=s, created=NOW))
        for s in ("eddsa-rdfc-2022", "eddsa-jcs-2022")
    )


@cache
def signed_jwt() -> str:
    return sign_vc_jwt(credential(), SIGNER, kid=SIGNER.public_key.did_key_verification_method)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "#0f766e").save(out, format="PNG")
    return out.getvalue()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8" viewBox="0 0 8 8">'
    b'<rect width="8" height="8" fill="#0f766e"/></svg>'
)


@cache
def baked_images() -> tuple[bytes, ...]:
    """A PNG and an SVG with the JCS-signed credential baked in, and one with the JWT."""
    text = signed_documents()[1]
    return (bake_png(_png(), text), bake_svg(SVG, text), bake_png(_png(), signed_jwt()))


CSV = (
    b"name,email,evidence url,narrative,result,issue date\r\n"
    b"Ada Lovelace,ada@example.org,https://example.org/ada,Wrote notes,Distinction,2026-01-05\r\n"
    b"Alan Turing;x,alan@example.org,,,,\r\n"
)


@cache
def xlsx() -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.append(["name", "email", "result", "issue date"])
    sheet.append(["Ada Lovelace", "ada@example.org", "Pass", NOW.replace(tzinfo=None)])
    sheet.append(["Alan Turing", "alan@example.org", 3.5, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
