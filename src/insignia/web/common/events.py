"""Domain events: what happened to credentials and applications, for apps that react to it.

Services send these signals *inside* their transaction, after the change is written, so a
receiver can record what it needs (a webhook delivery row, a pathway re-evaluation) atomically
with the change: if the change rolls back, so does the receiver's record, and a committed change
always has its record (an outbox, not a fire-and-forget).  Receivers must therefore be quick,
must not talk to the network, and should defer slow work with ``transaction.on_commit`` or a
background task.  An exception in a receiver aborts the change, which is the point: nothing
happens silently without its consequences.

Every signal is sent with ``sender=None`` and keyword arguments only:

``credentials_issued``     ``credentials: list[Credential]`` (one, or a bulk chunk)
``credential_claimed``     ``credential: Credential, user: User`` (a learner accepted it)
``credentials_revoked``    ``credentials: list[Credential], reason: str``
``credential_suspended``   ``credential: Credential``
``credential_reinstated``  ``credential: Credential``
``wallet_item_added``      ``user: User, credential: Credential | None,
                           imported: ImportedCredential | None`` (a badge entered a wallet:
                           one issued here, or one imported)
``wallet_item_removed``    ``user: User, credential: None, imported: ImportedCredential``
``application_submitted``  ``application: Application`` (first submission or resubmission)
"""

from __future__ import annotations

from django.dispatch import Signal

credentials_issued = Signal()
credential_claimed = Signal()
credentials_revoked = Signal()
credential_suspended = Signal()
credential_reinstated = Signal()
wallet_item_added = Signal()
wallet_item_removed = Signal()
application_submitted = Signal()
