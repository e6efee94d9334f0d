"""What a verification needs from outside: the time, how to find keys, how to fetch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from insignia.core.errors import InputError
from insignia.core.fetch import Fetcher
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore
from insignia.core.resolver import DefaultResolver, KeyResolver


@dataclass(frozen=True, slots=True)
class Recipient:
    """An out-of-band value the verifier knows about the learner (OB 3.0 §9.3).

    :param value: e.g. the email address the employer was given.
    :param identity_type: the IdentifierTypeEnum value (``emailAddress``, ``url``…), or ``"id"``
        to compare with ``credentialSubject.id``.
    """

    value: str
    identity_type: str = "emailAddress"


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """Everything a verification depends on besides the credential itself.

    :param now: the moment "valid" is judged at (aware datetime; never read from the clock here).
    :param resolver: finds public keys; default resolves did:key offline and other methods
        through ``fetcher`` when one is given.
    :param fetcher: fetches status lists, refresh services, did:web documents and hosted OB 2.0
        assertions; ``None`` keeps verification fully offline (those checks then say so).
    :param recipient: a known learner identity to match against the credential.
    :param check_status: set False to skip revocation/suspension lookups entirely.
    :param strict: treat departures from the Open Badges 3.0 JSON Schema and profile rules as
        failures (the 1EdTech validator's posture) instead of warnings.
    """

    now: datetime
    resolver: KeyResolver | None = None
    fetcher: Fetcher | None = None
    recipient: Recipient | None = None
    check_status: bool = True
    strict: bool = False
    store: ContextStore = field(default=DEFAULT_STORE)

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise InputError(
                "The verification time must carry a timezone.", code="input.naive_time"
            )

    @property
    def key_resolver(self) -> KeyResolver:
        """The resolver to use: the one given, or a default over ``fetcher``."""
        if self.resolver is not None:
            return self.resolver
        return DefaultResolver(fetcher=self.fetcher)
