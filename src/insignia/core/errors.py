"""One error hierarchy for the credential engine, each error with a stable machine code.

Codes are dotted strings (``"jsonld.undefined_term"``) that callers, the CLI's ``--json``
output and the web API may rely on; messages are for people and may change.  The top-level
classes mirror the stages of the engine so that a caller can catch a whole family
(``except ProofError``) or look at ``err.code`` for the exact reason.
"""

from __future__ import annotations

from typing import Any


class InsigniaError(Exception):
    """Base of every error the engine raises on purpose.

    :param message: a sentence a person understands.
    :param code: overrides the class's default stable code.
    :param detail: optional machine-readable context (never secrets).
    """

    code: str = "insignia.error"

    def __init__(self, message: str, *, code: str | None = None, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.detail: dict[str, Any] = detail

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape used by the CLI and the API: code, message, detail."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.detail:
            out["detail"] = self.detail
        return out


class InputError(InsigniaError):
    """The input cannot be used at all: not JSON, too large, too deep, wrong shape or format."""

    code = "input.invalid"


class JsonLdError(InsigniaError):
    """JSON-LD processing failed: unknown or tampered context, undefined term, invalid document."""

    code = "jsonld.invalid"


class ContextError(JsonLdError):
    """A ``@context`` URL is not one we ship, or its bytes do not match the pinned hash."""

    code = "jsonld.unknown_context"


class SafeModeError(JsonLdError):
    """A term or type that no context defines: it would silently escape the signature."""

    code = "jsonld.undefined_term"


class KeyFormatError(InsigniaError):
    """A key, multibase string, JWK or DID could not be decoded or has the wrong type."""

    code = "key.invalid"


class ResolutionError(InsigniaError):
    """A DID, verification method, status list or hosted document could not be obtained."""

    code = "resolve.failed"


class ProofError(InsigniaError):
    """A proof could not be created or does not verify."""

    code = "proof.invalid"


class SchemaError(InsigniaError):
    """The document does not conform to the Open Badges / VC data model."""

    code = "schema.invalid"


class StatusError(InsigniaError):
    """A status list or status entry is malformed or cannot be read."""

    code = "status.invalid"


class BakingError(InsigniaError):
    """An image could not be baked or unbaked: not PNG/SVG, truncated, hostile, or too large."""

    code = "bake.invalid"
