"""The credential envelope: the VC-level objects and the fields every OB 3.0 credential shares.

:class:`CredentialBase` knows the ``@context`` rules (VC 2.0 first, the OB 3.0.3 context
second, ``extensions.json`` exactly when a 1EdTech status/refresh/schema type needs it, then
the issuer's own extension contexts), so the builders never emit a term no context defines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Self

from insignia.core.errors import SchemaError
from insignia.core.model._base import EXTRA, Kind, Model, check_json, fail, js, no_extra
from insignia.core.model.profile import Profile
from insignia.core.vcdm import OB_CONTEXT_LATEST, VC_V2, as_list, is_url

#: The context defining ``1EdTechJsonSchemaValidator2019``, ``1EdTechRevocationList`` and
#: ``1EdTechCredentialRefresh``.
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
_OB_CONTEXT = re.compile(r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json")


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence(Model):
    """Something that shows the work behind the award (a page, a narrative, a file's URL)."""

    JSON_TYPE = ("Evidence",)
    id: str | None = field(default=None, metadata=js("id", Kind.URI))
    name: str | None = field(default=None, metadata=js("name", Kind.STR))
    description: str | None = field(default=None, metadata=js("description", Kind.STR))
    narrative: str | None = field(default=None, metadata=js("narrative", Kind.STR))
    genre: str | None = field(default=None, metadata=js("genre", Kind.STR))
    audience: str | None = field(default=None, metadata=js("audience", Kind.STR))
    extra: Mapping[str, Any] = field(default_factory=no_extra, metadata=EXTRA)


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialStatus(Model):
    """A status entry: ``{id, type}`` plus whatever the status method needs (``extra``).

    E.g. ``CredentialStatus(id=…, type="BitstringStatusListEntry", extra={"statusPurpose":
    "revocation", "statusListIndex": "94567", "statusListCredential": …})``.
    """

    EXTRA_NEEDS_CONTEXT = False
    id: str = field(metadata=js("id", Kind.URI))
    type: str = field(metadata=js("type", Kind.STR))
    extra: Mapping[str, Any] = field(default_factory=no_extra, metadata=EXTRA)


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialSchema(Model):
    """A JSON Schema the credential claims to satisfy (verifiers check it, OB 3.0 §9.1 1a)."""

    id: str = field(metadata=js("id", Kind.URI))
    type: str = field(metadata=js("type", Kind.STR))


@dataclass(frozen=True, slots=True, kw_only=True)
class RefreshService(Model):
    """Where a newer version of the credential can be fetched (1EdTech Credential Refresh)."""

    EXTRA_NEEDS_CONTEXT = False
    id: str = field(metadata=js("id", Kind.URI))
    type: str = field(metadata=js("type", Kind.STR))
    extra: Mapping[str, Any] = field(default_factory=no_extra, metadata=EXTRA)


@dataclass(frozen=True, slots=True, kw_only=True)
class TermsOfUse(Model):
    """A policy under which the credential was issued."""

    EXTRA_NEEDS_CONTEXT = False
    type: str = field(metadata=js("type", Kind.STR))
    id: str | None = field(default=None, metadata=js("id", Kind.URI))
    extra: Mapping[str, Any] = field(default_factory=no_extra, metadata=EXTRA)


@dataclass(frozen=True, kw_only=True)  # no slots: zero-argument super() is used below
class CredentialBase(Model):
    """Fields and ``@context`` handling shared by AchievementCredential and EndorsementCredential.

    :param extensions: extension properties set on the credential itself; they (and any
        ``extra`` on a part, and any ``endorsement_jwt``) require ``extra_contexts`` that
        define them.
    :param extra_contexts: context URLs (or inline context objects) after the OB contexts.
    :param ob_context: the OB context version to cite (the latest unless reading an old one).
    """

    #: The second ``type`` besides VerifiableCredential, and the ones accepted when reading.
    CREDENTIAL_TYPES: ClassVar[tuple[str, ...]] = ()

    id: str = field(metadata=js("id", Kind.URI))
    name: str = field(metadata=js("name", Kind.STR))
    description: str | None = field(default=None, metadata=js("description", Kind.STR))
    issuer: Profile = field(metadata=js("issuer", Profile))
    valid_from: datetime = field(metadata=js("validFrom", Kind.DATETIME))
    valid_until: datetime | None = field(default=None, metadata=js("validUntil", Kind.DATETIME))
    awarded_date: datetime | None = field(default=None, metadata=js("awardedDate", Kind.DATETIME))
    credential_status: CredentialStatus | None = field(
        default=None, metadata=js("credentialStatus", CredentialStatus)
    )
    credential_schema: Sequence[CredentialSchema] = field(
        default=(), metadata=js("credentialSchema", CredentialSchema, many=True)
    )
    refresh_service: RefreshService | None = field(
        default=None, metadata=js("refreshService", RefreshService)
    )
    terms_of_use: Sequence[TermsOfUse] = field(
        default=(), metadata=js("termsOfUse", TermsOfUse, many=True)
    )
    extensions: Mapping[str, Any] = field(default_factory=no_extra, metadata=EXTRA)
    extra_contexts: Sequence[str | Mapping[str, Any]] = field(default=())
    ob_context: str = field(default=OB_CONTEXT_LATEST)

    def _check(self) -> None:
        owner = type(self).__name__
        if self.valid_until is not None and self.valid_until <= self.valid_from:
            raise fail(owner, "valid_until", "must be after valid_from.", "model.date_order")
        if not isinstance(self.ob_context, str) or not _OB_CONTEXT.fullmatch(self.ob_context):
            raise fail(owner, "ob_context", "must be an OB 3.0 context URL.", "model.not_uri")
        object.__setattr__(self, "extra_contexts", self._checked_contexts(owner))
        if self.has_extra() and not self.extra_contexts:
            raise fail(
                owner,
                "extra_contexts",
                "must name a context defining the extension properties (and endorsementJwt, "
                "which the OB 3.0.3 context lacks); undefined terms escape the signature.",
                "model.extension_without_context",
            )

    def _checked_contexts(self, owner: str) -> tuple[str | Mapping[str, Any], ...]:
        value = self.extra_contexts
        if isinstance(value, str | Mapping) or not isinstance(value, Sequence):
            raise fail(owner, "extra_contexts", "must be a list.", "model.wrong_type")
        base = {VC_V2, self.ob_context, OB_EXTENSIONS_CONTEXT}
        for item in value:
            if isinstance(item, Mapping):
                check_json(item, owner, "extra_contexts")
            elif not is_url(item) or item in base:
                raise fail(
                    owner,
                    "extra_contexts",
                    f"has {item!r}, which is not an extension context URL.",
                    "model.not_uri",
                )
        return tuple(value)

    @property
    def contexts(self) -> list[str | Mapping[str, Any]]:
        """The ``@context`` array this credential is emitted with."""
        out: list[str | Mapping[str, Any]] = [VC_V2, self.ob_context]
        if self._uses_1edtech_types():
            out.append(OB_EXTENSIONS_CONTEXT)
        return out + [dict(c) if isinstance(c, Mapping) else c for c in self.extra_contexts]

    def _uses_1edtech_types(self) -> bool:
        parts: list[Any] = [self.credential_status, self.refresh_service, *self.credential_schema]
        return any(p is not None and p.type.startswith("1EdTech") for p in parts)

    def to_json(self) -> dict[str, Any]:
        """Return the unsigned credential, ``@context`` first, ready for a proof."""
        return {"@context": self.contexts, **super().to_json()}

    def _emit_type(self, out: dict[str, Any]) -> None:
        out["type"] = ["VerifiableCredential", self.CREDENTIAL_TYPES[0]]

    @classmethod
    def _read_type(cls, data: Mapping[str, Any], path: str) -> None:
        types = [t for t in as_list(data.get("type")) if isinstance(t, str)]
        if "VerifiableCredential" not in types or not set(cls.CREDENTIAL_TYPES) & set(types):
            raise SchemaError(
                f"type must include VerifiableCredential and {cls.CREDENTIAL_TYPES[0]}.",
                code="model.wrong_type",
                path="type",
            )

    @classmethod
    def from_json(cls, data: object, path: str = "") -> Self:
        """Read an unsigned (or signed: ``proof`` is set aside) OB 3.0 credential strictly.

        The result is the credential *as signed*; ``to_json()`` gives it back without proof.
        """
        if not isinstance(data, Mapping):
            raise SchemaError("A credential must be a JSON object.", code="model.not_object")
        contexts = data.get("@context")
        if not isinstance(contexts, list) or len(contexts) < 2 or contexts[0] != VC_V2:
            raise SchemaError(
                f"@context must start with {VC_V2} and the OB 3.0 context.",
                code="model.bad_context",
                path="@context",
            )
        body = {k: v for k, v in data.items() if k not in ("@context", "proof")}
        extra = [c for c in contexts[2:] if c != OB_EXTENSIONS_CONTEXT]
        body["extra_contexts"], body["ob_context"] = extra, contexts[1]
        return super().from_json(body, path)

    @classmethod
    def _read_unknown(cls, unknown: Mapping[str, Any], path: str) -> dict[str, Any]:
        passed = {k: unknown[k] for k in ("extra_contexts", "ob_context") if k in unknown}
        rest = {k: v for k, v in unknown.items() if k not in passed}
        return {**passed, **super()._read_unknown(rest, path)}
