"""The talent app's door into the credential engine: reading revocation bits of status lists.

Search never verifies signatures row by row; it reads the revocation bit of each matching
badge from the issuer's status list, the same bitstring the signed list publishes.  Live,
full verification of the badges behind a candidate goes through ``awards.verification``.
"""

from __future__ import annotations

from collections.abc import Callable

from insignia.core.status import BitstringStatusList


def revocation_reader(bits: bytes) -> Callable[[int], bool]:
    """Read a status list's bits once; the result tells whether entry ``index`` is revoked."""
    bitstring = BitstringStatusList(bits)
    return lambda index: bitstring.get(index) == 1


def is_revoked(bits: bytes, index: int) -> bool:
    """Whether the status list ``bits`` mark entry ``index`` as revoked."""
    return revocation_reader(bits)(index)


def revoked_in_byte(byte: bytes, index: int) -> bool:
    """Whether entry ``index`` is revoked, given only the byte of the list that holds it
    (``bits[index // 8]``): search reads that byte from the database, not the whole list."""
    return BitstringStatusList(byte).get(index % 8) == 1
