"""The W3C Bitstring Status List value: a compressed array of fixed-width status values.

Bitstring Status List v1.0 stores one ``statusSize``-bit value per credential.  Index 0 is
the left-most (most significant) bit of byte 0, the whole bitstring is GZIP-compressed and
published as multibase base64url without padding (``u…``).  Lists hold at least 131,072
entries so that one credential's index reveals little about who holds it ("herd privacy"),
and issuers pick indexes at random for the same reason: sequential indexes would leak issue
order and let anyone estimate how many credentials an issuer revoked.

Decoding reads lists published by strangers, so it is bounded: a few bytes of GZIP can
expand to gigabytes (a "zip bomb"), and we stop at :data:`MAX_LIST_BYTES`.
"""

from __future__ import annotations

import gzip
import random
import zlib
from collections.abc import Container

from insignia.core import multibase
from insignia.core.errors import KeyFormatError, StatusError

#: Smallest list the W3C Recommendation allows an issuer to publish (16 KB of 1-bit entries).
MIN_ENTRIES = 131_072
#: Largest decompressed list we accept (2 MiB = 16.7 million 1-bit entries).
MAX_LIST_BYTES = 2 * 1024 * 1024
#: Largest encoded (``u…``) string we look at before decoding.
MAX_ENCODED_CHARS = 4 * 1024 * 1024
#: Widest status value we support; 8 bits already gives 256 messages.
MAX_STATUS_SIZE = 16
#: Random draws before :func:`allocate_index` falls back to a scan from a random start.
_RANDOM_TRIES = 64


def _check_status_size(status_size: int) -> None:
    if isinstance(status_size, bool) or not isinstance(status_size, int):
        raise StatusError("statusSize must be an integer.", code="status.bad_status_size")
    if not 1 <= status_size <= MAX_STATUS_SIZE:
        raise StatusError(
            f"statusSize must be between 1 and {MAX_STATUS_SIZE}, not {status_size}.",
            code="status.bad_status_size",
            status_size=status_size,
        )


class BitstringStatusList:
    """A mutable list of ``entries`` status values, each ``status_size`` bits wide.

    Build a new one with :meth:`create`, read a published one with :meth:`decode`.
    """

    __slots__ = ("_bits", "entries", "status_size")

    def __init__(self, data: bytes | bytearray, *, status_size: int = 1) -> None:
        """Wrap raw (uncompressed) bitstring bytes; prefer :meth:`create` or :meth:`decode`."""
        _check_status_size(status_size)
        if not data:
            raise StatusError("A status list cannot be empty.", code="status.empty_list")
        self._bits = bytearray(data)
        self.status_size = status_size
        self.entries = len(self._bits) * 8 // status_size

    @classmethod
    def create(
        cls, entries: int = MIN_ENTRIES, *, status_size: int = 1, min_entries: int = MIN_ENTRIES
    ) -> BitstringStatusList:
        """Return a list of ``entries`` zero statuses.

        :param min_entries: the privacy floor; keep the default for anything published.
        :raises StatusError: ``status.too_small`` below the floor, ``status.too_large`` above
            :data:`MAX_LIST_BYTES`.
        """
        _check_status_size(status_size)
        if (
            isinstance(entries, bool)
            or not isinstance(entries, int)
            or entries < max(1, min_entries)
        ):
            raise StatusError(
                f"A status list needs at least {max(1, min_entries):,} entries.",
                code="status.too_small",
                entries=entries,
            )
        size = (entries * status_size + 7) // 8
        if size > MAX_LIST_BYTES:
            raise StatusError(
                f"A status list of {entries:,} entries exceeds {MAX_LIST_BYTES:,} bytes.",
                code="status.too_large",
            )
        return cls(bytes(size), status_size=status_size)

    def __len__(self) -> int:
        return self.entries

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BitstringStatusList):
            return NotImplemented
        return self.status_size == other.status_size and self._bits == other._bits

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"BitstringStatusList(entries={self.entries}, status_size={self.status_size})"

    @property
    def bit_length(self) -> int:
        """Length of the uncompressed bitstring in bits."""
        return len(self._bits) * 8

    def to_bytes(self) -> bytes:
        """Return the uncompressed bitstring."""
        return bytes(self._bits)

    def _check_index(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise StatusError("A status list index must be an integer.", code="status.bad_index")
        if not 0 <= index < self.entries:
            raise StatusError(
                f"Index {index} is outside the status list (0 to {self.entries - 1}).",
                code="status.index_out_of_range",
                index=index,
                entries=self.entries,
            )

    def get(self, index: int) -> int:
        """Return the status value at ``index`` (0 or 1 when ``status_size`` is 1)."""
        self._check_index(index)
        value = 0
        start = index * self.status_size
        for bit in range(start, start + self.status_size):
            value = (value << 1) | ((self._bits[bit >> 3] >> (7 - (bit & 7))) & 1)
        return value

    def set(self, index: int, value: int = 1) -> None:
        """Store ``value`` at ``index``; the value must fit in ``status_size`` bits."""
        self._check_index(index)
        if isinstance(value, bool) or not isinstance(value, int):
            raise StatusError("A status value must be an integer.", code="status.bad_value")
        if not 0 <= value < (1 << self.status_size):
            raise StatusError(
                f"Status value {value} does not fit in {self.status_size} bit(s).",
                code="status.bad_value",
                value=value,
            )
        start = index * self.status_size
        for offset in range(self.status_size):
            bit = start + offset
            mask = 1 << (7 - (bit & 7))
            if (value >> (self.status_size - 1 - offset)) & 1:
                self._bits[bit >> 3] |= mask
            else:
                self._bits[bit >> 3] &= ~mask & 0xFF

    def clear(self, index: int) -> None:
        """Reset the status at ``index`` to 0 (for example, lift a suspension)."""
        self.set(index, 0)

    def encode(self) -> str:
        """Return the ``encodedList`` value: multibase base64url (``u…``) of GZIP(bitstring).

        ``mtime=0`` keeps the output deterministic, so republishing an unchanged list yields
        the same string (and the same signature input).
        """
        return multibase.encode(gzip.compress(bytes(self._bits), compresslevel=9, mtime=0), "u")

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        status_size: int = 1,
        multibase_prefix: bool = True,
        max_bytes: int = MAX_LIST_BYTES,
    ) -> BitstringStatusList:
        """Read an ``encodedList`` value, refusing anything that expands past ``max_bytes``.

        :param multibase_prefix: False for ``StatusList2021``, whose lists are plain base64url
            (a leading ``u`` is still accepted there, since real lists always start ``H4sI``).
        :raises StatusError: ``status.bad_encoding`` (not base64url/GZIP, truncated, trailing
            bytes) or ``status.list_too_large`` (zip bomb).
        """
        _check_status_size(status_size)
        compressed = _unwrap(encoded, multibase_prefix=multibase_prefix)
        return cls(_gunzip_bounded(compressed, max_bytes), status_size=status_size)


def _unwrap(encoded: str, *, multibase_prefix: bool) -> bytes:
    """Strip the multibase prefix and base64url-decode, with clear errors."""
    if not isinstance(encoded, str) or not encoded:
        raise StatusError("encodedList must be a non-empty string.", code="status.bad_encoding")
    if len(encoded) > MAX_ENCODED_CHARS:
        raise StatusError("encodedList is too long.", code="status.list_too_large")
    if encoded.startswith("u"):
        body = encoded[1:]
    elif multibase_prefix:
        raise StatusError(
            "encodedList must be multibase base64url (start with 'u').",
            code="status.bad_encoding",
        )
    else:
        body = encoded
    try:
        return multibase.b64url_decode(body)
    except KeyFormatError as exc:
        raise StatusError("encodedList is not base64url text.", code="status.bad_encoding") from exc


def _gunzip_bounded(data: bytes, max_bytes: int) -> bytes:
    """Decompress one GZIP member, never producing more than ``max_bytes``."""
    if data[:2] != b"\x1f\x8b":
        raise StatusError("encodedList is not GZIP data.", code="status.bad_encoding")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise StatusError(
            "encodedList is not valid GZIP data.", code="status.bad_encoding"
        ) from exc
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise StatusError(
            f"The status list expands beyond {max_bytes:,} bytes.",
            code="status.list_too_large",
            max_bytes=max_bytes,
        )
    if not inflater.eof:
        raise StatusError("encodedList is truncated.", code="status.bad_encoding")
    if inflater.unused_data:
        raise StatusError("encodedList has bytes after the GZIP data.", code="status.bad_encoding")
    return out


def allocate_index(rng: random.Random, taken: Container[int], size: int = MIN_ENTRIES) -> int:
    """Pick a free index in ``range(size)`` at random.

    Random rather than sequential so that an index says nothing about when a credential was
    issued.  Pass ``secrets.SystemRandom()`` in production; a seeded ``random.Random`` in
    tests.  After a few random misses (a nearly full list) we scan from a random start, so
    the answer stays correct and the list is only reported full when it truly is.

    :raises StatusError: ``status.list_full`` when every index is taken.
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise StatusError("The list size must be a positive integer.", code="status.bad_index")
    for _ in range(_RANDOM_TRIES):
        candidate = rng.randrange(size)
        if candidate not in taken:
            return candidate
    start = rng.randrange(size)
    for offset in range(size):
        candidate = (start + offset) % size
        if candidate not in taken:
            return candidate
    raise StatusError(
        f"All {size:,} indexes of this status list are taken; start a new list.",
        code="status.list_full",
        size=size,
    )
