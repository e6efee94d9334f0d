"""Verifying every proof of a document (VC-DI §4.4 Verify Proof, §4.5 sets and chains).

Each proof gets one :class:`ProofResult`; nothing a stranger writes into a proof makes this
raise.  A chained proof (``previousProof``) signs the document together with the proofs it
names, and only counts when those proofs verify too.  Whether one good proof is enough, and
whether its key belongs to the issuer, is the caller's policy: results carry the key's
controller for that comparison.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from insignia.core import multibase
from insignia.core.errors import InputError, InsigniaError, KeyFormatError, ProofError
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore
from insignia.core.proofs.create import order_sensitive, verification_config
from insignia.core.proofs.model import (
    ProofResult,
    chained_input,
    check_datetime,
    previous_ids,
    proof_list,
)
from insignia.core.proofs.suites import DATA_INTEGRITY, Suite, hash_data, suite_for
from insignia.core.resolver import KeyResolver, VerificationMethod

_UTF16_WARNING = (
    "The signature was made over N-Quads sorted by UTF-16 code units (as JavaScript "
    "libraries do) rather than RDFC-1.0's code points; both describe the same data."
)


def verify_proofs(
    document: Mapping[str, Any],
    *,
    resolver: KeyResolver,
    expected_purpose: str = "assertionMethod",
    store: ContextStore = DEFAULT_STORE,
) -> list[ProofResult]:
    """Check every proof of ``document``; return one result per proof, in document order.

    An empty list means the document has no proof.

    :raises InputError: ``document`` is not a JSON object (proofs themselves never raise).
    """
    if not isinstance(document, Mapping):
        raise InputError("Only a JSON object can carry proofs.", code="input.not_object")
    proofs = proof_list(document)
    run = _Run(document, proofs, resolver, expected_purpose, store)
    results = [run.verify(index, proof) for index, proof in enumerate(proofs)]
    return _apply_chains(results, proofs)


class _Run:
    """One verification of one document; canonical documents are shared between its proofs."""

    def __init__(
        self,
        document: Mapping[str, Any],
        proofs: list[Any],
        resolver: KeyResolver,
        purpose: str,
        store: ContextStore,
    ) -> None:
        self.document = document
        self.proofs = proofs
        self.resolver = resolver
        self.purpose = purpose
        self.store = store
        self.canonical_docs: dict[tuple[str, tuple[str, ...], bool], bytes | InsigniaError] = {}

    def verify(self, index: int, proof: Any) -> ProofResult:
        described = _describe(proof)
        method: VerificationMethod | None = None
        try:
            suite = _check_shape(proof, self.purpose)
            signature = _decode_proof_value(proof["proofValue"])
            input_doc = chained_input(self.document, self.proofs, proof)
            config = verification_config(input_doc, proof, suite)
            method = self.resolver.resolve(proof["verificationMethod"], purpose=self.purpose)
            if method.public_key.algorithm != suite.algorithm:
                raise ProofError(
                    f"{suite.name} needs an {suite.algorithm} key; the verification method "
                    f"holds an {method.public_key.algorithm} key.",
                    code="proof.key_mismatch",
                )
            warnings = [
                *method.warnings,
                *self._check_signature(
                    suite,
                    proof=proof,
                    input_doc=input_doc,
                    config=config,
                    signature=signature,
                    method=method,
                ),
            ]
        except InsigniaError as exc:
            controller = method.controller if method is not None else None
            return ProofResult(
                index, *described, False, exc.code, exc.message, controller=controller
            )
        if isinstance(proof.get("expires"), str):
            warnings.append(f"The proof expires at {proof['expires']}; check it against now.")
        return ProofResult(
            index,
            *described,
            True,
            "proof.verified",
            "The signature is valid: the document has not changed since it was signed.",
            tuple(warnings),
            method.controller,
        )

    def _check_signature(
        self,
        suite: Suite,
        *,
        proof: Mapping[str, Any],
        input_doc: Mapping[str, Any],
        config: Mapping[str, Any],
        signature: bytes,
        method: VerificationMethod,
    ) -> list[str]:
        """Return extra warnings when the signature holds; raise ProofError when it does not."""
        doc_bytes = self._canonical_doc(suite, proof, input_doc, utf16=False)
        config_bytes = suite.canonical_config(config, self.store)
        try:
            method.public_key.verify(signature, hash_data(config_bytes, doc_bytes))
            return []
        except ProofError:
            if not suite.rdf or not (order_sensitive(doc_bytes) or order_sensitive(config_bytes)):
                raise
        # The signer may have sorted lines as JavaScript does; the data is the same.
        doc_bytes = self._canonical_doc(suite, proof, input_doc, utf16=True)
        config_bytes = suite.canonical_config(config, self.store, utf16_order=True)
        method.public_key.verify(signature, hash_data(config_bytes, doc_bytes))
        return [_UTF16_WARNING]

    def _canonical_doc(
        self, suite: Suite, proof: Mapping[str, Any], input_doc: Mapping[str, Any], *, utf16: bool
    ) -> bytes:
        key = (suite.name if not suite.rdf else "rdf", tuple(previous_ids(proof)), utf16)
        cached = self.canonical_docs.get(key)
        if cached is None:
            try:
                cached = suite.canonical(input_doc, self.store, utf16_order=utf16)
            except InsigniaError as exc:
                cached = exc
            self.canonical_docs[key] = cached
        if isinstance(cached, InsigniaError):
            raise cached
        return cached


def _describe(proof: Any) -> tuple[str | None, str | None, str | None]:
    """type, cryptosuite and verificationMethod, when they are strings."""
    if not isinstance(proof, Mapping):
        return None, None, None
    values = (proof.get("type"), proof.get("cryptosuite"), proof.get("verificationMethod"))
    t, c, v = (x if isinstance(x, str) else None for x in values)
    return t, c, v


def _check_shape(proof: Any, purpose: str) -> Suite:
    """Check the members VC-DI requires and their JSON types; return the proof's suite.

    :raises ProofError: ``proof.malformed``, ``proof.unsupported_type``,
        ``proof.unsupported_cryptosuite``, ``proof.purpose_mismatch``,
        ``proof.invalid_created``, ``proof.invalid_expires``, ``proof.previous_proof_invalid``.
    """
    if not isinstance(proof, Mapping):
        raise _malformed("The proof is not a JSON object.")
    if not isinstance(proof.get("type"), str):
        raise _malformed("The proof has no type.")
    if proof["type"] == DATA_INTEGRITY and not isinstance(proof.get("cryptosuite"), str):
        raise _malformed("The proof names no cryptosuite.")
    suite = suite_for(proof)
    for name in ("verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(name), str) or not proof[name]:
            raise _malformed(f"The proof's {name} is missing or not a string.")
    for name in ("id", "challenge", "nonce"):
        if name in proof and not isinstance(proof[name], str):
            raise _malformed(f"The proof's {name} must be a string.")
    domain = proof.get("domain")
    if domain is not None and not (
        isinstance(domain, str)
        or (isinstance(domain, list) and all(isinstance(d, str) for d in domain))
    ):
        raise _malformed("The proof's domain must be a string or a list of strings.")
    if proof["proofPurpose"] != purpose:
        raise ProofError(
            f"The proof is for {proof['proofPurpose']!r}, not {purpose!r}.",
            code="proof.purpose_mismatch",
        )
    if "created" in proof or suite.cryptosuite is None:  # the legacy suite requires created
        check_datetime(proof.get("created"), "created")
    if "expires" in proof:
        check_datetime(proof["expires"], "expires")
    previous_ids(proof)
    return suite


def _decode_proof_value(value: str) -> bytes:
    """A base58btc multibase Ed25519 signature (``z…``, 64 bytes)."""
    if not value.startswith("z"):
        raise ProofError(
            "The proofValue must be base58btc multibase (starting with 'z').",
            code="proof.bad_proof_value",
        )
    try:
        signature = multibase.decode(value)
    except KeyFormatError:
        raise ProofError(
            "The proofValue is not valid base58btc.", code="proof.bad_proof_value"
        ) from None
    if len(signature) != 64:
        raise ProofError(
            f"The proofValue holds {len(signature)} bytes; an Ed25519 signature has 64.",
            code="proof.bad_proof_value",
        )
    return signature


def _malformed(message: str) -> ProofError:
    return ProofError(message, code="proof.malformed")


def _apply_chains(results: list[ProofResult], proofs: Sequence[Any]) -> list[ProofResult]:
    """Fail chained proofs whose predecessors do not verify (or that form a cycle)."""
    by_id = {p["id"]: i for i, p in enumerate(proofs) if isinstance(p, Mapping) and "id" in p}
    state: dict[int, bool] = {}

    def holds(index: int, visiting: frozenset[int]) -> bool:
        if index in state:
            return state[index]
        if index in visiting or not results[index].verified:
            return False
        proof = proofs[index]
        ids = previous_ids(proof) if isinstance(proof, Mapping) else []
        ok = all(holds(by_id[i], visiting | {index}) for i in ids if i in by_id)
        state[index] = ok
        return ok

    return [
        replace(
            result,
            verified=False,
            code="proof.previous_proof_failed",
            message="The signature holds, but a proof it chains to (previousProof) does not.",
        )
        if result.verified and not holds(index, frozenset())
        else result
        for index, result in enumerate(results)
    ]
