"""The talent app's door into the credential engine: reading revocation bits of status lists.

Search never verifies signatures row by row; it reads the revocation bit of each matching
badge from the issuer's status list, the same bitstring the signed list publishes.  Live,
full verification of the badges behind a candidate goes through ``awards.verification``.
"""

from __future__ import annotations

from insignia.core.status import BitstringStatusList


def is_revoked(bits: bytes, index: int) -> bool:
    """Whether the status list ``bits`` mark entry ``index`` as revoked."""
    return BitstringStatusList(bits).get(index) == 1
