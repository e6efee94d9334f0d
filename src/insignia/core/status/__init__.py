"""Credential status: publish Bitstring Status Lists and check a credential against them.

Issuer side: :class:`BitstringStatusList`, :func:`allocate_index`,
:func:`status_list_credential`, :func:`status_entry`.  Verifier side: :func:`check_status`.
"""

from __future__ import annotations

from insignia.core.status.bitstring import (
    MAX_LIST_BYTES,
    MIN_ENTRIES,
    BitstringStatusList,
    allocate_index,
)
from insignia.core.status.check import ListVerifier, StatusListFetcher, check_status
from insignia.core.status.documents import PURPOSES, status_entry, status_list_credential

__all__ = [
    "MAX_LIST_BYTES",
    "MIN_ENTRIES",
    "PURPOSES",
    "BitstringStatusList",
    "ListVerifier",
    "StatusListFetcher",
    "allocate_index",
    "check_status",
    "status_entry",
    "status_list_credential",
]
