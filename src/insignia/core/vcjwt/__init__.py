"""VC-JWT: Open Badges 3.0 credentials secured as a compact JWS (OB 3.0 §8.2).

Two specifications describe "a credential in a JWT" and disagree, so the header's ``typ``
picks the rules (the *profile*):

* ``typ: "JWT"`` or none — OB 3.0 §8.2: the payload is the credential plus ``iss``, ``jti``,
  ``nbf``, ``sub``, ``exp`` that must repeat ``issuer.id``, ``id``, ``validFrom``, the subject
  id and ``validUntil``.  The VC 1.1 form, with the credential inside a ``vc`` claim, is
  accepted as OB 3.0 says (its missing members are filled from the claims, as VC-JWT 1.1 does).
* ``typ: "vc+jwt"`` — W3C VC-JOSE-COSE: the payload is the credential; ``iss`` must match the
  issuer when present, ``nbf``/``exp`` bound the *signature*, and ``vc``/``vp`` claims are an
  error.

Registered JWT claims are envelope, not credential data: they are removed from the returned
credential so that JSON-LD processing of it does not trip on undefined terms such as ``jti``.
A claim OB requires but the token lacks is a warning; a claim that contradicts the credential
is a failure (two readers would see two different issuers, subjects or dates).

The package splits the work: :mod:`.sign`, :mod:`.verify` (the steps in order),
:mod:`.keyfinder` (which key, and whose) and :mod:`.claims` (claims against the credential).
"""

from __future__ import annotations

from insignia.core.vcjwt.claims import (
    OB_PROFILE,
    REGISTERED_CLAIMS,
    VC_JOSE_PROFILE,
    vc_jwt_claims,
)
from insignia.core.vcjwt.sign import sign_vc_jwt
from insignia.core.vcjwt.verify import VcJwtResult, verify_vc_jwt

__all__ = [
    "OB_PROFILE",
    "REGISTERED_CLAIMS",
    "VC_JOSE_PROFILE",
    "VcJwtResult",
    "sign_vc_jwt",
    "vc_jwt_claims",
    "verify_vc_jwt",
]
