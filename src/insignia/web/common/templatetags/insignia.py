"""Template helpers shared by every page."""

from __future__ import annotations

from typing import Any

from django import template

from insignia.web.images.selectors import image_path

register = template.Library()


@register.simple_tag
def image_src(image: Any, extension: str | None = None) -> str:
    """The URL of a stored image (or of its PNG rendition)."""
    if image is None:
        return ""
    return image_path(image, extension=extension)


@register.filter
def outcome_symbol(outcome: Any) -> str:
    """A symbol for a verification check outcome (its words are given to screen readers)."""
    return {"pass": "✓", "fail": "✗", "warning": "!", "skipped": "–"}.get(str(outcome), "?")


@register.filter
def outcome_words(outcome: Any) -> str:
    return {"pass": "Passed", "fail": "Failed", "warning": "Warning", "skipped": "Skipped"}.get(
        str(outcome), str(outcome)
    )


@register.filter
def initials(name: str) -> str:
    """Up to two initials of an organisation's name, for a placeholder logo."""
    words = [w for w in str(name).replace("-", " ").split() if w[:1].isalpha()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


_AUDIT = {
    "organisation.created": "Created the organisation",
    "organisation.updated": "Edited the public profile",
    "signing_key.created": "Created signing key {key_id}",
    "signing_key.retired": "Retired signing key {key_id}",
    "membership.granted": "Added someone to the team",
    "membership.changed": "Changed someone’s roles",
    "achievement.created": "Designed “{name}”",
    "achievement.edited": "Edited a badge (version {version})",
    "achievement.published": "Published a badge (version {version})",
    "achievement.archived": "Archived a badge",
    "achievement.draft_discarded": "Discarded a draft",
    "achievement.marketing_changed": "Changed a badge’s programme link",
    "achievement.assessment_edited": "Edited evidence requirements and rubric (version {version})",
    "achievement.access_changed": "Changed who may apply for a badge",
    "achievement.invite_code_created": "Made an invite code",
    "achievement.email_list_changed": "Changed a badge’s email list",
    "credential.issued": "Awarded a badge (version {version})",
    "credential.revoked": "Revoked an award",
    "credential.claimed": "A recipient accepted a badge",
    "credential.claim_resent": "Re-sent a claim email",
    "credential.suspended": "Suspended an award",
    "credential.reinstated": "Reinstated an award",
    "credential.expiry_reminded": "Reminded a holder that their badge expires soon",
    "signing_key.compromised": "Marked signing key {key_id} compromised",
    "bulk.uploaded": "Uploaded a file of recipients",
    "bulk.checked": "Checked a file of recipients (dry run)",
    "bulk.started": "Started a bulk award",
    "bulk.paused": "Paused a bulk award",
    "bulk.resumed": "Resumed a bulk award",
    "bulk.cancelled": "Cancelled a bulk award",
    "bulk.finished": "A bulk award finished",
    "bulk.failed": "A bulk award stopped with an error",
    "bulk.revoked": "Revoked a bulk award",
    "signing_key.rotated": "Rotated the signing key (new key {key_id})",
    "signing_key.rewrapped": "Re-encrypted signing key {key_id} under a new key-encryption key",
    "signature.batch": "Signed a batch of awards",
    "status_list.signed": "Re-signed a revocation list",
    "credential.recipient_erased": "A holder deleted their account (their awards stay valid)",
    "account.deleted": "An account was deleted",
    "api_token.created": "Created an API token",
    "api_token.revoked": "Revoked an API token",
    "vcapi.credential_signed": "Signed a credential through the VC-API",
    "webhook.created": "Added a webhook",
    "webhook.updated": "Edited a webhook",
    "webhook.secret_rotated": "Rotated a webhook’s secret",
    "webhook.deleted": "Deleted a webhook",
    "webhook.disabled": "A webhook was switched off (its endpoint refused deliveries)",
    "lti.platform_registered": "Registered a learning platform (LTI)",
    "lti.platform_updated": "Edited a learning platform (LTI)",
    "lti.platform_deleted": "Disconnected a learning platform (LTI)",
    "lti.link_configured": "Linked a course activity to a badge (LTI)",
    "lti.tool_key_rewrapped": "Re-encrypted an LTI tool key",
    "pathway.created": "Created a pathway",
    "pathway.updated": "Edited a pathway",
    "pathway.activated": "Activated a pathway",
    "pathway.deactivated": "Deactivated a pathway",
    "pathway.completed": "A learner completed a pathway",
    "pathway.completion_rejected": "Declined a pathway completion",
    "pathway.dependency_lost": "A pathway's goal badge lost a badge it relied on",
    "pathway.dependency_restored": "A pathway's goal badge has its badges again",
}


@register.filter
def audit_phrase(event: Any) -> str:
    """A sentence for an audit event (its machine code when we have none)."""
    template_text = _AUDIT.get(event.action)
    if template_text is None:
        return str(event.action)
    try:
        return template_text.format(**event.detail)
    except (KeyError, IndexError, ValueError):
        return template_text.split(" (")[0].replace("“{name}”", "a badge")
