"""The cryptosuites Insignia knows, as an explicit allow-list.

A proof names its suite (``type`` ``DataIntegrityProof`` + ``cryptosuite``, or the legacy
``type`` ``Ed25519Signature2020``); anything not registered here is refused by name rather
than guessed at.  Each suite says how a document and a proof configuration become the bytes
that are hashed (RDFC-1.0 N-Quads or JCS), which key algorithm it takes, and whether we still
create such proofs (the legacy suite is verify-only).

Every suite here hashes the same way (vc-di-eddsa §3.2.4 / §3.3.4, and Ed25519Signature2020):
``sha256(canonical proof configuration) ‖ sha256(canonical document)``, signed with Ed25519.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final

from insignia.core.errors import InputError, ProofError
from insignia.core.jcs import canonicalize as _jcs
from insignia.core.jsonld import shapes
from insignia.core.jsonld.canonical import canonicalize_checked
from insignia.core.jsonld.loader import ContextStore

DATA_INTEGRITY: Final = "DataIntegrityProof"
ED25519_2020: Final = "Ed25519Signature2020"
ED25519_2020_CONTEXT: Final = "https://w3id.org/security/suites/ed25519-2020/v1"
_CACHEABLE: Final = 8_192

#: ``transform(document, store, utf16_order)`` → the canonical bytes.
Transform = Callable[[Mapping[str, Any], ContextStore, bool], bytes]


@dataclass(frozen=True, slots=True)
class Suite:
    """One registered way of making and checking proofs.

    :param name: the registry key: the ``cryptosuite`` value, or the legacy proof ``type``.
    :param proof_type: the proof ``type`` it uses.
    :param cryptosuite: the ``cryptosuite`` value (None for legacy suites, which have none).
    :param algorithm: the JOSE algorithm its keys must have.
    :param can_sign: False for suites we only verify.
    :param rdf: True when it canonicalizes with RDFC-1.0 (JSON-LD semantics, safe mode).
    :param proof_has_context: True when the emitted proof carries the document's ``@context``.
    :param required_context: a context the document must list for the proof to make sense.
    """

    name: str
    proof_type: str
    cryptosuite: str | None
    algorithm: str
    can_sign: bool
    rdf: bool
    proof_has_context: bool = False
    required_context: str | None = None

    def canonical(
        self, document: Mapping[str, Any], store: ContextStore, *, utf16_order: bool = False
    ) -> bytes:
        """Return the bytes this suite hashes for ``document``.

        RDF suites run JSON-LD safe mode first, so that nothing unsigned can ride along.
        """
        if not self.rdf:
            return _jcs(document)
        return _rdfc(document, store, utf16_order)

    def canonical_config(
        self, config: Mapping[str, Any], store: ContextStore, *, utf16_order: bool = False
    ) -> bytes:
        """Like :meth:`canonical`, cached: a batch signed or verified together shares its
        proof configuration (same ``created``, key and contexts), which costs as much to
        canonicalize as a whole credential."""
        if not self.rdf:
            key = _flat_key(config)
            return _jcs(config) if key is None else _jcs_cached(key)
        frozen = _freeze(config)
        if len(frozen) > _CACHEABLE:  # an inline context, say: not worth keeping
            return self.canonical(config, store, utf16_order=utf16_order)
        return _rdfc_cached(frozen, store, utf16_order)


def _freeze(document: Mapping[str, Any]) -> str:
    try:
        return json.dumps(document, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError(f"The document is not JSON: {exc}", code="input.not_json") from None


#: A proof configuration whose values are strings or lists of strings, as a hashable key.
FlatKey = tuple[tuple[str, str | tuple[str, ...]], ...]


def _flat_key(config: Mapping[str, Any]) -> FlatKey | None:
    """The configuration as a cache key, or None when it holds anything else (every
    configuration this engine writes is flat: type, cryptosuite, created, ids, contexts)."""
    key: list[tuple[str, str | tuple[str, ...]]] = []
    for name, value in config.items():
        if type(name) is not str:
            return None
        if type(value) is str:
            key.append((name, value))
        elif type(value) is list and all(type(item) is str for item in value):
            key.append((name, tuple(value)))
        else:
            return None
    return tuple(key)


@lru_cache(maxsize=128)
def _jcs_cached(key: FlatKey) -> bytes:
    return _jcs({name: list(value) if isinstance(value, tuple) else value for name, value in key})


@lru_cache(maxsize=128)
def _rdfc_cached(frozen: str, store: ContextStore, utf16_order: bool) -> bytes:
    return _rdfc(json.loads(frozen), store, utf16_order)


def _rdfc(document: Mapping[str, Any], store: ContextStore, utf16_order: bool) -> bytes:
    """Safe mode first (terms no context defines would silently drop out of the signed
    N-Quads), then RDFC-1.0; both from one JSON-LD expansion.  Documents of a shape seen
    before take the template route (:mod:`~insignia.core.jsonld.shapes`), which gives the
    same bytes or declines."""
    fast = None if utf16_order else shapes.canonical(document, store)
    if fast is not None:
        return fast.encode("utf-8")
    return canonicalize_checked(document, store=store, utf16_order=utf16_order).encode("utf-8")


def hash_data(canonical_config: bytes, canonical_document: bytes) -> bytes:
    """The 64 bytes every registered suite signs: proof configuration hash, then document hash."""
    return hashlib.sha256(canonical_config).digest() + hashlib.sha256(canonical_document).digest()


_REGISTRY: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        Suite("eddsa-rdfc-2022", DATA_INTEGRITY, "eddsa-rdfc-2022", "EdDSA", True, rdf=True),
        Suite(
            "eddsa-jcs-2022",
            DATA_INTEGRITY,
            "eddsa-jcs-2022",
            "EdDSA",
            True,
            rdf=False,
            proof_has_context=True,
        ),
        Suite(
            ED25519_2020,
            ED25519_2020,
            None,
            "EdDSA",
            False,
            rdf=True,
            required_context=ED25519_2020_CONTEXT,
        ),
    )
}

#: Every suite Insignia accepts, by name (read-only).
SUITES: Final[Mapping[str, Suite]] = MappingProxyType(_REGISTRY)


def suite_named(name: str) -> Suite:
    """Return the registered suite called ``name`` (a cryptosuite or legacy proof type).

    :raises ProofError: code ``proof.unsupported_cryptosuite`` for any other name.
    """
    suite = SUITES.get(name) if isinstance(name, str) else None
    if suite is None:
        raise ProofError(
            f"The cryptosuite {name!r} is not supported; Insignia accepts "
            f"{', '.join(sorted(SUITES))}.",
            code="proof.unsupported_cryptosuite",
            cryptosuite=name if isinstance(name, str) else None,
        )
    return suite


def suite_for(proof: Mapping[str, Any]) -> Suite:
    """Return the suite a proof object names by its ``type`` (and ``cryptosuite``).

    :raises ProofError: ``proof.unsupported_type`` or ``proof.unsupported_cryptosuite``.
    """
    proof_type = proof.get("type")
    if proof_type == DATA_INTEGRITY:
        cryptosuite = proof.get("cryptosuite")
        suite = SUITES.get(cryptosuite) if isinstance(cryptosuite, str) else None
        if suite is None or suite.proof_type != DATA_INTEGRITY:
            raise ProofError(
                f"The cryptosuite {cryptosuite!r} is not supported.",
                code="proof.unsupported_cryptosuite",
            )
        return suite
    suite = SUITES.get(proof_type) if isinstance(proof_type, str) else None
    if suite is None or suite.cryptosuite is not None:
        raise ProofError(
            f"The proof type {proof_type!r} is not supported.", code="proof.unsupported_type"
        )
    return suite
