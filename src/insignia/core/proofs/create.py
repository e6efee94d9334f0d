"""Adding Data Integrity proofs (VC-DI §4.1 Add Proof, §4.2 proof sets and chains).

A document that already carries proofs gets one more (``proof`` becomes a list: a proof set);
with ``previous_proof`` the new proof also signs the proofs it names (a proof chain).  The
canonical bytes are exposed too, because ``insignia canonize`` prints exactly what is hashed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from insignia.core import multibase
from insignia.core.errors import InputError, ProofError
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore
from insignia.core.proofs.model import (
    chained_input,
    copy_json,
    format_created,
    matching_proofs,
    proof_list,
    unsecured,
)
from insignia.core.proofs.suites import Suite, hash_data, suite_for, suite_named

if TYPE_CHECKING:
    from insignia.core.keys import Signer

_ASTRAL: Final = re.compile(rb"[\xf0-\xf4]")
_HIGH_BMP: Final = re.compile(rb"[\xee\xef]")


def sign(
    document: Mapping[str, Any],
    signer: Signer,
    *,
    verification_method: str,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | str | None,
    proof_purpose: str = "assertionMethod",
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    store: ContextStore = DEFAULT_STORE,
) -> dict[str, Any]:
    """Return a copy of ``document`` with a new ``DataIntegrityProof``.

    :param created: when the proof was made (an aware datetime, written in whole UTC
        seconds, or a ``dateTimeStamp`` string kept as is); None leaves ``created`` out.
        The engine never reads the clock: pass the time in.
    :param previous_proof: id(s) of proofs already on the document that this one chains to.
    :raises ProofError: unknown or verify-only suite, a key of the wrong algorithm, a bad
        ``created``, a ``previous_proof`` that names no proof, or content that JSON-LD
        processors would order differently (``proof.ambiguous_order``).
    :raises SafeModeError: the document uses terms no context defines (RDF suites).
    :raises JsonLdError, ContextError, InputError: the document cannot be canonicalized.
    """
    if not isinstance(document, Mapping):
        raise InputError("Only a JSON object can be signed.", code="input.not_object")
    suite = _signing_suite(cryptosuite, signer)
    existing = proof_list(document)
    options = _options(
        suite,
        verification_method=verification_method,
        created=created,
        proof_purpose=proof_purpose,
        proof_id=proof_id,
        previous_proof=previous_proof,
    )
    _check_new_id(existing, proof_id)
    input_doc = unsecured(document)
    if previous_proof is not None:
        input_doc["proof"] = matching_proofs(existing, options_ids(previous_proof))
    config = dict(options)
    if "@context" in input_doc:
        config["@context"] = input_doc["@context"]
    doc_bytes = suite.canonical(input_doc, store)
    config_bytes = suite.canonical_config(config, store)
    _refuse_ambiguous_order(suite, input_doc, doc_bytes, store)
    _refuse_ambiguous_order(suite, config, config_bytes, store)
    signature = signer.sign(hash_data(config_bytes, doc_bytes))
    proof = dict(options)
    if suite.proof_has_context and "@context" in input_doc:
        proof["@context"] = copy_json(input_doc["@context"])
    proof["proofValue"] = multibase.encode(signature, "z")
    signed: dict[str, Any] = copy_json(unsecured(document))
    signed["proof"] = [*copy_json(existing), proof] if existing else proof
    return signed


def canonical_document(
    document: Mapping[str, Any],
    cryptosuite: str = "eddsa-rdfc-2022",
    *,
    for_proof: Mapping[str, Any] | None = None,
    store: ContextStore = DEFAULT_STORE,
) -> bytes:
    """The exact document bytes a proof of ``cryptosuite`` hashes (RDFC N-Quads or JCS).

    :param for_proof: a proof of the document; when it chains (``previousProof``), the
        proofs it names are part of what it signs.
    """
    suite = suite_named(cryptosuite)
    _need_object(document, "document")
    if for_proof is None:
        return suite.canonical(unsecured(document), store)
    return suite.canonical(chained_input(document, proof_list(document), for_proof), store)


def canonical_proof_config(
    document: Mapping[str, Any], proof: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE
) -> bytes:
    """The exact proof-configuration bytes ``proof`` hashes (its suite is read from it).

    :raises ProofError: unknown suite, or a proof ``@context`` that is not the document's.
    """
    _need_object(document, "document")
    _need_object(proof, "proof")
    suite = suite_for(proof)
    return suite.canonical_config(verification_config(document, proof, suite), store)


def verification_config(
    document: Mapping[str, Any], proof: Mapping[str, Any], suite: Suite
) -> dict[str, Any]:
    """The proof configuration a verifier rebuilds: the proof without ``proofValue``.

    RDF suites take the document's ``@context`` (vc-di-eddsa §3.3.5); JCS hashes the
    proof's own ``@context``.  Either way, a proof ``@context`` must equal the document's:
    the specification allows a prefix, but contexts appended after signing could then
    redefine unprotected terms without touching the signature, so we refuse that.

    :raises ProofError: ``proof.context_mismatch``, ``proof.missing_suite_context``.
    """
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    doc_context = document.get("@context")
    if "@context" in proof and proof["@context"] != doc_context:
        raise ProofError(
            "The proof's @context differs from the document's.", code="proof.context_mismatch"
        )
    if suite.required_context is not None and not _lists_context(
        doc_context, suite.required_context
    ):
        raise ProofError(
            f"A {suite.name} proof needs the document to use {suite.required_context}.",
            code="proof.missing_suite_context",
        )
    if suite.rdf:
        config.pop("@context", None)
        if doc_context is not None:
            config["@context"] = doc_context
    return config


def options_ids(previous_proof: str | Sequence[str]) -> list[str]:
    """``previous_proof`` as a list of ids."""
    return [previous_proof] if isinstance(previous_proof, str) else list(previous_proof)


def order_sensitive(data: bytes) -> bool:
    """True when RDFC-1.0's code-point line order might differ from JavaScript's UTF-16 order.

    That needs a character above U+FFFF and one in U+E000–U+FFFF (UTF-8 lead bytes F0–F4
    and EE–EF); otherwise both orders agree.
    """
    return bool(_ASTRAL.search(data) and _HIGH_BMP.search(data))


def _signing_suite(cryptosuite: str, signer: Signer) -> Suite:
    suite = suite_named(cryptosuite)
    if not suite.can_sign:
        raise ProofError(
            f"{suite.name} proofs are verified but no longer created; use eddsa-rdfc-2022.",
            code="proof.sign_unsupported",
        )
    if signer.algorithm != suite.algorithm:
        raise ProofError(
            f"{suite.name} needs an {suite.algorithm} key, not {signer.algorithm}.",
            code="proof.key_mismatch",
        )
    return suite


def _options(
    suite: Suite,
    *,
    verification_method: str,
    created: datetime | str | None,
    proof_purpose: str,
    proof_id: str | None,
    previous_proof: str | list[str] | None,
) -> dict[str, Any]:
    """The proof options, in the member order of the W3C vectors."""
    if not isinstance(verification_method, str) or not verification_method:
        raise ProofError("A verification method id is needed.", code="proof.malformed")
    if not isinstance(proof_purpose, str) or not proof_purpose:
        raise ProofError("A proof purpose is needed.", code="proof.malformed")
    options: dict[str, Any] = {"type": suite.proof_type}
    if proof_id is not None:
        if not isinstance(proof_id, str) or not proof_id:
            raise ProofError("A proof id must be a non-empty string.", code="proof.malformed")
        options["id"] = proof_id
    if suite.cryptosuite is not None:
        options["cryptosuite"] = suite.cryptosuite
    if created is not None:
        options["created"] = format_created(created)
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = proof_purpose
    if previous_proof is not None:
        ids = options_ids(previous_proof)
        if not ids or not all(isinstance(i, str) and i for i in ids):
            raise ProofError(
                "previous_proof must be a proof id or a list of them.",
                code="proof.previous_proof_invalid",
            )
        options["previousProof"] = previous_proof if isinstance(previous_proof, str) else ids
    return options


def _check_new_id(existing: list[Any], proof_id: str | None) -> None:
    if proof_id is not None and any(
        isinstance(p, Mapping) and p.get("id") == proof_id for p in existing
    ):
        raise ProofError(
            f"The document already has a proof with the id {proof_id!r}.",
            code="proof.duplicate_id",
        )


def _refuse_ambiguous_order(
    suite: Suite, document: Mapping[str, Any], canonical: bytes, store: ContextStore
) -> None:
    """Refuse to sign bytes that JavaScript verifiers would put in another order."""
    if not suite.rdf or not order_sensitive(canonical):
        return
    if suite.canonical(document, store, utf16_order=True) != canonical:
        raise ProofError(
            "Two values differ first at characters that RDFC-1.0 (code points) and JavaScript "
            "libraries (UTF-16) sort differently (one above U+FFFF, one in U+E000–U+FFFF), "
            "so verifiers would disagree on this signature; change one of the values.",
            code="proof.ambiguous_order",
        )


def _need_object(value: Any, what: str) -> None:
    if not isinstance(value, Mapping):
        raise InputError(f"The {what} must be a JSON object.", code="input.not_object")


def _lists_context(context: Any, url: str) -> bool:
    return context == url or (isinstance(context, list) and url in context)
