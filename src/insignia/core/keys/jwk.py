"""JWK (RFC 7517/7518) in and out, and RFC 7638 thumbprints.

JWTs, JWKS files and ``publicKeyJwk`` all carry keys as JWK, so this is where foreign key
material is read most often.  It is read strictly: canonical base64url only, exact member
sizes, private members refused in a public key, a key's own ``alg``/``use``/``key_ops``
honoured, and a private JWK's public members checked against its secret.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from insignia.core import multibase
from insignia.core.errors import KeyFormatError
from insignia.core.keys.base import PublicKey, b64url_strict
from insignia.core.keys.ecdsa import EcPublicKey, EcSigner, curve_spec
from insignia.core.keys.ed25519 import Ed25519PublicKey, Ed25519Signer
from insignia.core.keys.rsa import RsaPublicKey, RsaSigner, check_rsa_size

#: JWK members that only a private key has (RFC 7518 §6.2.2, §6.3.2, §6.4).
PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})

AnyPublicKey = Ed25519PublicKey | EcPublicKey | RsaPublicKey
AnySigner = Ed25519Signer | EcSigner | RsaSigner


def _jwk_member(jwk: Mapping[str, Any], name: str, size: int | None = None) -> bytes:
    if name not in jwk:
        raise KeyFormatError(f"The JWK has no {name!r} member.", code="key.missing_member")
    value = b64url_strict(jwk[name], what=f"JWK member {name!r}")
    if size is not None and len(value) != size:
        raise KeyFormatError(
            f"The JWK member {name!r} has {len(value)} bytes, not {size}.", code="key.wrong_length"
        )
    return value


def _jwk_int(jwk: Mapping[str, Any], name: str) -> int:
    return int.from_bytes(_jwk_member(jwk, name), "big")


def _check_jwk_shape(jwk: object) -> Mapping[str, Any]:
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("A JWK must be a JSON object.", code="key.invalid")
    kty = jwk.get("kty")
    if kty == "oct":
        raise KeyFormatError(
            "Symmetric (oct) keys cannot verify public credentials.", code="key.symmetric"
        )
    if kty not in ("OKP", "EC", "RSA"):
        raise KeyFormatError(f"The JWK type {kty!r} is not supported.", code="key.unsupported_type")
    return jwk


def _check_jwk_use(jwk: Mapping[str, Any], key: AnyPublicKey, op: str) -> None:
    """Honour the JWK's own restrictions: a key marked for encryption must not verify."""
    if "alg" in jwk and jwk["alg"] != key.algorithm:
        raise KeyFormatError(
            f"The JWK says alg {jwk['alg']!r} but the key is for {key.algorithm}.",
            code="key.alg_mismatch",
        )
    if "use" in jwk and jwk["use"] != "sig":
        raise KeyFormatError("The JWK is not meant for signatures.", code="key.wrong_use")
    ops = jwk.get("key_ops")
    if ops is not None and (not isinstance(ops, list) or op not in ops):
        raise KeyFormatError(f"The JWK's key_ops do not allow {op!r}.", code="key.wrong_use")


def _public_from_jwk(jwk: Mapping[str, Any]) -> AnyPublicKey:
    kty = jwk["kty"]
    if kty == "OKP":
        if jwk.get("crv") != "Ed25519":
            raise KeyFormatError(
                f"The OKP curve {jwk.get('crv')!r} is not supported (only Ed25519).",
                code="key.unsupported_curve",
            )
        return Ed25519PublicKey(_jwk_member(jwk, "x", 32))
    if kty == "EC":
        spec = curve_spec(jwk.get("crv"))
        return EcPublicKey(
            spec.jwk_name, _jwk_member(jwk, "x", spec.size), _jwk_member(jwk, "y", spec.size)
        )
    return RsaPublicKey(_jwk_int(jwk, "n"), _jwk_int(jwk, "e"))


def public_key_from_jwk(jwk: Mapping[str, Any]) -> AnyPublicKey:
    """Read a public JWK (OKP Ed25519, EC P-256/384/521, RSA ≥ 2048 bits).

    A JWK carrying private members is refused rather than silently trimmed: whoever published
    it has leaked a secret, and a verifier must not bless that key.

    :raises KeyFormatError: ``key.private_in_public``, ``key.unsupported_curve``,
        ``key.unsupported_type``, ``key.symmetric``, ``key.alg_mismatch``, ``key.wrong_use``,
        ``key.too_weak``, ``key.invalid_point``, ``key.bad_base64url``…
    """
    jwk = _check_jwk_shape(jwk)
    leaked = sorted(PRIVATE_JWK_MEMBERS.intersection(jwk))
    if leaked:
        raise KeyFormatError(
            "The public JWK contains private key material.",
            code="key.private_in_public",
            members=leaked,
        )
    key = _public_from_jwk(jwk)
    _check_jwk_use(jwk, key, "verify")
    return key


def signer_from_jwk(jwk: Mapping[str, Any]) -> AnySigner:
    """Read a private JWK and check that its public members belong to it.

    :raises KeyFormatError: as :func:`public_key_from_jwk`, plus ``key.not_private`` and
        ``key.mismatch``.
    """
    jwk = _check_jwk_shape(jwk)
    if "d" not in jwk:
        raise KeyFormatError("The JWK has no private member 'd'.", code="key.not_private")
    signer = _signer_from_jwk(jwk)
    if _public_from_jwk(jwk) != signer.public_key:
        raise KeyFormatError("The JWK's public and private parts differ.", code="key.mismatch")
    _check_jwk_use(jwk, signer.public_key, "sign")
    return signer


def _signer_from_jwk(jwk: Mapping[str, Any]) -> AnySigner:
    kty = jwk["kty"]
    try:
        if kty == "OKP":
            _public_from_jwk(jwk)  # checks crv before the seed is used
            return Ed25519Signer.from_seed(_jwk_member(jwk, "d", 32))
        if kty == "EC":
            spec = curve_spec(jwk.get("crv"))
            d = int.from_bytes(_jwk_member(jwk, "d", spec.size), "big")
            return EcSigner(ec.derive_private_key(d, spec.curve()))
        return RsaSigner(_rsa_private(jwk))
    except ValueError as exc:
        raise KeyFormatError("The private JWK is invalid.", code="key.invalid") from exc


def _rsa_private(jwk: Mapping[str, Any]) -> rsa.RSAPrivateKey:
    n, e, d = _jwk_int(jwk, "n"), _jwk_int(jwk, "e"), _jwk_int(jwk, "d")
    check_rsa_size(n.bit_length())
    if all(m in jwk for m in ("p", "q", "dp", "dq", "qi")):
        p, q = _jwk_int(jwk, "p"), _jwk_int(jwk, "q")
        dp, dq, qi = _jwk_int(jwk, "dp"), _jwk_int(jwk, "dq"), _jwk_int(jwk, "qi")
    else:  # RFC 7518 §6.3.2 allows d alone; recover the primes
        p, q = rsa.rsa_recover_prime_factors(n, e, d)
        dp, dq, qi = rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q)
    public = rsa.RSAPublicNumbers(e, n)
    return rsa.RSAPrivateNumbers(p, q, d, dp, dq, qi, public).private_key()


_THUMBPRINT_MEMBERS = {
    "OKP": ("crv", "kty", "x"),
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
}


def jwk_thumbprint(key: PublicKey | Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint, base64url: a stable ``kid`` derived from the key itself.

    :raises KeyFormatError: when a JWK mapping is not a supported public key.
    """
    jwk = (
        key.to_jwk()
        if isinstance(key, PublicKey)
        else _public_from_jwk(_check_jwk_shape(key)).to_jwk()
    )
    members = {name: jwk[name] for name in _THUMBPRINT_MEMBERS[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return multibase.b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())
