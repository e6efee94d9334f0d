"""Open Badges 2.0 (and 1.x): read and verify hosted and signed assertions.

Insignia issues OB 3.0 only; this package lets the verifier honour badges people earned
elsewhere before OB 3.0 existed.
"""

from __future__ import annotations

from insignia.core.ob2.recipient import hash_identity, recipient_matches
from insignia.core.ob2.verify import verify_ob2

__all__ = ["hash_identity", "recipient_matches", "verify_ob2"]
