"""Reading what a validated LTI launch says (claim names, roles, people)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
RESULT_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"

#: Who may link an activity to a badge: course instructors and administrators (context
#: roles, the system and institution administrator roles, and the deprecated short forms).
#: Sub-roles such as ``membership/Instructor#TeachingAssistant`` are not included.
INSTRUCTOR_ROLES = frozenset(
    {
        LIS + "membership#Instructor",
        LIS + "membership#Administrator",
        LIS + "system/person#Administrator",
        LIS + "institution/person#Administrator",
        "Instructor",
        "Administrator",
    }
)


@dataclass(frozen=True)
class Launch:
    """The facts of one validated resource-link launch that the tool uses."""

    sub: str
    deployment_id: str
    resource_link_id: str
    resource_title: str
    context_id: str
    context_title: str
    roles: tuple[str, ...]
    email: str
    name: str
    #: The custom parameters of the resource link (set by our deep-linking response).
    custom: dict[str, str] = field(default_factory=dict)
    is_deep_link: bool = False

    @property
    def is_instructor(self) -> bool:
        return any(role in INSTRUCTOR_ROLES for role in self.roles)

    @property
    def audit_ref(self) -> str:
        """``<deployment>/<resource link>``: the audit detail of awards made by this launch."""
        return f"{self.deployment_id}/{self.resource_link_id}"


def _text(value: Any, limit: int = 255) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _mapping(value: Any) -> Mapping[str, Any]:
    """A claim that should be an object (a platform sending something else gets nothing)."""
    return value if isinstance(value, Mapping) else {}


def launch_from_claims(body: Mapping[str, Any]) -> Launch:
    """Read a launch's facts from its validated id_token body (pylti1p3 checked the required
    claims: sub, version, roles, deployment and resource link id)."""
    link = _mapping(body.get(LTI + "resource_link"))
    context = _mapping(body.get(LTI + "context"))
    roles = body.get(LTI + "roles")
    roles = roles if isinstance(roles, list) else []
    custom = _mapping(body.get(LTI + "custom"))
    name = _text(body.get("name")) or " ".join(
        part for part in (_text(body.get("given_name")), _text(body.get("family_name"))) if part
    )
    return Launch(
        sub=_text(body.get("sub")),
        deployment_id=_text(body.get(LTI + "deployment_id")),
        resource_link_id=_text(link.get("id")),
        resource_title=_text(link.get("title")),
        context_id=_text(context.get("id")),
        context_title=_text(context.get("title")) or _text(context.get("label")),
        roles=tuple(r for r in roles if isinstance(r, str)),
        email=_text(body.get("email"), 254),
        name=name,
        custom={str(k): v[:255] for k, v in custom.items() if isinstance(v, str)},
        is_deep_link=body.get(LTI + "message_type") == "LtiDeepLinkingRequest",
    )
