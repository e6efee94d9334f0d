"""Shapes shared by signing and verification: proof results, proof lists, times, chains.

Proofs come from strangers, so every field is checked for its JSON type before use and a
wrong one becomes a :class:`~insignia.core.errors.ProofError` with a stable code; the
verifier turns those into failed :class:`ProofResult` entries instead of letting anything
escape.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from insignia.core.errors import ProofError

#: XML Schema ``dateTimeStamp``: a dateTime with a time zone, as VC Data Integrity requires.
_DATETIME_STAMP: Final = re.compile(
    r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", re.ASCII
)


@dataclass(frozen=True, slots=True)
class ProofResult:
    """What one proof of a document showed.

    :param index: position of the proof in the document's ``proof`` (0 for a single object).
    :param type: the proof ``type`` as written (None when missing or not a string).
    :param cryptosuite: the ``cryptosuite`` (None for legacy suites or when missing).
    :param verification_method: the key id the proof names.
    :param verified: True only when the signature holds over the document as it is now.
    :param code: ``proof.verified`` or the stable reason it failed (``proof.bad_signature``,
        ``proof.unsupported_cryptosuite``, ``jsonld.undefined_term``, ``resolve.…``).
    :param message: a sentence for people.
    :param warnings: accepted oddities (bare did:key, JavaScript line order, an expiry…).
    :param controller: who controls the key, to compare with the issuer; None if unresolved.
    """

    index: int
    type: str | None
    cryptosuite: str | None
    verification_method: str | None
    verified: bool
    code: str
    message: str
    warnings: tuple[str, ...] = field(default=())
    controller: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape used by the CLI and the API."""
        return {
            "index": self.index,
            "type": self.type,
            "cryptosuite": self.cryptosuite,
            "verification_method": self.verification_method,
            "verified": self.verified,
            "code": self.code,
            "message": self.message,
            "warnings": list(self.warnings),
            "controller": self.controller,
        }


def proof_list(document: Mapping[str, Any]) -> list[Any]:
    """Return the document's proofs as a list (a single object is a set of one)."""
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def unsecured(document: Mapping[str, Any]) -> dict[str, Any]:
    """A shallow copy of ``document`` without its ``proof``."""
    return {k: v for k, v in document.items() if k != "proof"}


def copy_json(value: Any) -> Any:
    """A deep copy of JSON data, sharing nothing mutable with ``value``.

    ``copy.deepcopy`` with the generic machinery left out for plain ``dict`` and ``list``
    (a signed credential is copied on every signature); anything else goes to ``deepcopy``.
    """
    kind = type(value)
    if kind is dict:
        return {k: copy_json(v) for k, v in value.items()}
    if kind is list:
        return [copy_json(v) for v in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    return copy.deepcopy(value)


def format_created(created: datetime | str) -> str:
    """Return ``created`` as a ``dateTimeStamp``: whole seconds in UTC (``…T23:36:38Z``).

    A string is kept as written once it is a valid ``dateTimeStamp``.

    :raises ProofError: code ``proof.invalid_created`` for a naive datetime or a bad string.
    """
    if isinstance(created, datetime):
        if created.tzinfo is None or created.utcoffset() is None:
            raise ProofError(
                "The proof time needs a time zone (a naive datetime is ambiguous).",
                code="proof.invalid_created",
            )
        return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    check_datetime(created, "created")
    return created


def check_datetime(value: Any, name: str) -> None:
    """Raise unless ``value`` is an XML Schema ``dateTimeStamp`` string.

    :raises ProofError: code ``proof.invalid_<name>``.
    """
    if not isinstance(value, str) or not _DATETIME_STAMP.fullmatch(value):
        raise ProofError(
            f"The proof's {name} is not a date and time with a time zone: {value!r}.",
            code=f"proof.invalid_{name}",
        )
    year = value.lstrip("-").split("-", 1)[0]
    if value.startswith("-") or len(year) > 4:
        return  # valid in XML Schema, beyond what Python's datetime can hold
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ProofError(
            f"The proof's {name} is not a real date and time: {value!r}.",
            code=f"proof.invalid_{name}",
        ) from None


def previous_ids(proof: Mapping[str, Any]) -> list[str]:
    """The ids a proof's ``previousProof`` names (empty when it has none).

    :raises ProofError: code ``proof.previous_proof_invalid`` unless it is a string or a
        non-empty list of strings.
    """
    value = proof.get("previousProof")
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    raise ProofError(
        "previousProof must be a proof id or a list of proof ids.",
        code="proof.previous_proof_invalid",
    )


def matching_proofs(all_proofs: Sequence[Any], ids: Sequence[str]) -> list[Mapping[str, Any]]:
    """The proofs ``ids`` name, in the order named (VC-DI §4.2/§4.5 ``matchingProofs``).

    :raises ProofError: ``proof.previous_proof_missing`` when an id matches no proof,
        ``proof.previous_proof_ambiguous`` when it matches several.
    """
    found: list[Mapping[str, Any]] = []
    for wanted in ids:
        hits = [p for p in all_proofs if isinstance(p, Mapping) and p.get("id") == wanted]
        if not hits:
            raise ProofError(
                f"previousProof names {wanted!r}, but the document has no proof with that id.",
                code="proof.previous_proof_missing",
                previous_proof=wanted,
            )
        if len(hits) > 1:
            raise ProofError(
                f"Several proofs have the id {wanted!r}; the chain is ambiguous.",
                code="proof.previous_proof_ambiguous",
                previous_proof=wanted,
            )
        found.append(hits[0])
    return found


def chained_input(
    document: Mapping[str, Any], all_proofs: Sequence[Any], proof: Mapping[str, Any]
) -> dict[str, Any]:
    """The document a proof signs: without proofs, or with the proofs it chains to."""
    base = unsecured(document)
    ids = previous_ids(proof)
    if ids:
        base["proof"] = matching_proofs(all_proofs, ids)
    return base
