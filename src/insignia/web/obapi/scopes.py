"""The four Open Badges 3.0 scopes, what they mean in plain words, and the scopes backend that
limits each registered client to the scopes it registered for."""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import BaseScopes
from oauth2_provider.settings import oauth2_settings

_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIAL_READ = _BASE + "credential.readonly"
CREDENTIAL_UPSERT = _BASE + "credential.upsert"
PROFILE_READ = _BASE + "profile.readonly"
PROFILE_UPDATE = _BASE + "profile.update"

#: The spec's wording, published in the discovery document.
DESCRIPTIONS: dict[str, str] = {
    CREDENTIAL_READ: "Permission to read AchievementCredentials for the authenticated entity.",
    CREDENTIAL_UPSERT: (
        "Permission to create or update AchievementCredentials for the authenticated entity."
    ),
    PROFILE_READ: "Permission to read the profile for the authenticated entity.",
    PROFILE_UPDATE: "Permission to update the profile for the authenticated entity.",
}

#: What the learner reads on the consent page.
PLAIN_WORDS: dict[str, str] = {
    CREDENTIAL_READ: "See the badges in your Insignia wallet (issued here and imported)",
    CREDENTIAL_UPSERT: "Add badges to your Insignia wallet (each one is verified first)",
    PROFILE_READ: "See your name, email address and profile headline",
    PROFILE_UPDATE: "Change your name and profile headline",
}

ALL = tuple(DESCRIPTIONS)


class ObScopes(BaseScopes):  # type: ignore[misc]
    """The settings' scopes, narrowed for a dynamically registered client to those it asked
    for at registration (a client can never be granted more than it registered)."""

    def get_all_scopes(self) -> dict[str, str]:
        return dict(oauth2_settings.SCOPES)

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        registered = getattr(application, "ob_registration", None) if application else None
        if registered is not None:
            return str(registered.scope).split()
        return list(oauth2_settings.SCOPES)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        # A request without ``scope`` gets nothing: OB 3.0 clients must say what they need.
        return []
