"""Value shapes shared by the data-model rules and the credential builders.

URLs, date-time stamps, language-tagged strings and ``type`` lists each have one lexical rule
here, so that what the builders emit and what the validators accept can never drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

# RFC 3987-ish absolute IRI: a scheme, a colon, then no whitespace, controls or the characters
# RFC 3986 never allows unescaped.  "https ://x" (space in the scheme) and "fake-issuer" (no
# scheme) both fail, "did:example:123" and "urn:uuid:…" pass.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+")
_DATETIME = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})[Tt](?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
    r"(?:\.(?P<f>\d+))?(?P<tz>[Zz]|[+-]\d{2}:\d{2})?"
)
_DATE = re.compile(r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})")
# BCP 47 language tag, loosely (RFC 5646 §2.1 shapes; registry membership is not checked).
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
#: The OB 3.0 schema's ``inLanguage`` pattern (lower-case language, Title script, UPPER region).
OB_LANGUAGE = re.compile(r"[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")
_DIRECTIONS = frozenset({"ltr", "rtl"})


def is_url(value: object) -> bool:
    """True when ``value`` is a string that is an absolute URL/IRI (it has a valid scheme)."""
    return isinstance(value, str) and _IRI.fullmatch(value) is not None


def parse_datetime(value: object, *, require_timezone: bool = True) -> datetime | None:
    """Parse an XML Schema ``dateTime`` (``dateTimeStamp`` when ``require_timezone``).

    Returns an aware datetime (UTC assumed when the time zone is absent and allowed), or None
    when the text is not a valid timestamp.  Years outside 0001–9999 count as invalid: no
    credential needs them and Python cannot compare them.
    """
    if not isinstance(value, str):
        return None
    match = _DATETIME.fullmatch(value)
    if match is None:
        return None
    tz_text = match["tz"]
    if tz_text is None and require_timezone:
        return None
    try:
        tz = _parse_offset(tz_text)
        micro = int((match["f"] or "0")[:6].ljust(6, "0"))
        return datetime(
            int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            int(match["h"]),
            int(match["mi"]),
            int(match["s"]),
            micro,
            tzinfo=tz,
        )
    except ValueError:
        return None


def _parse_offset(text: str | None) -> timezone:
    if text is None or text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 14 or minutes > 59 or (hours == 14 and minutes):
        raise ValueError("offset out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def is_date(value: object) -> bool:
    """True for a valid calendar date ``YYYY-MM-DD`` (JSON Schema ``format: date``)."""
    if not isinstance(value, str):
        return False
    match = _DATE.fullmatch(value)
    if match is None:
        return False
    try:
        datetime(int(match["y"]), int(match["mo"]), int(match["d"]), tzinfo=UTC)
    except ValueError:
        return False
    return True


def format_datetime(value: datetime) -> str:
    """Format an aware datetime as UTC ``YYYY-MM-DDTHH:MM:SSZ`` (the form every library reads)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_language_tag(value: object) -> bool:
    """True for a string shaped like a BCP 47 language tag (``en``, ``fr-CA``, ``zh-Hant-TW``)."""
    return isinstance(value, str) and _LANGUAGE_TAG.fullmatch(value) is not None


def is_language_value(value: object) -> bool:
    """True for a VCDM 2.0 §11.1 value: a string, a language value object, or a list of them.

    A language value object has ``@value`` (string) and optionally ``@language`` and
    ``@direction`` (``ltr``/``rtl``) — nothing else.
    """
    if isinstance(value, list):
        return bool(value) and all(_is_single_language_value(v) for v in value)
    return _is_single_language_value(value)


def _is_single_language_value(value: object) -> bool:
    if isinstance(value, str):
        return True
    if not isinstance(value, Mapping):
        return False
    if not isinstance(value.get("@value"), str):
        return False
    if set(value) - {"@value", "@language", "@direction"}:
        return False
    if "@language" in value and not is_language_tag(value["@language"]):
        return False
    return "@direction" not in value or value["@direction"] in _DIRECTIONS


def as_list(value: object) -> list[Any]:
    """Treat a JSON-LD value as a set: ``None`` → ``[]``, a list stays, anything else → ``[x]``."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def type_values(node: object) -> list[str] | None:
    """Return the ``type`` of an object as a list of strings, or None when it is malformed.

    Verifiers accept both the compacted (``"Profile"``) and the array form.  A missing ``type``
    gives ``[]``; a number, an empty string or a list holding a non-string gives None.
    """
    if not isinstance(node, Mapping):
        return None
    raw = node.get("type")
    if raw is None and "type" not in node:
        return []
    values = as_list(raw) if raw is not None else [None]
    if not values or not all(isinstance(v, str) and v for v in values):
        return None
    return list(values)


def has_type(node: object, wanted: str) -> bool:
    """True when ``node`` is an object whose ``type`` (string or list) includes ``wanted``."""
    values = type_values(node)
    return values is not None and wanted in values


def exceeds_depth(node: object, limit: int) -> bool:
    """True when ``node`` nests arrays/objects deeper than ``limit`` (checked without recursion).

    Validators run this first so that a hand-built, absurdly deep value cannot exhaust the
    Python stack (documents parsed by :mod:`insignia.core.jsonio` are already bounded).
    """
    stack: list[tuple[object, int]] = [(node, 0)]
    while stack:
        current, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(current, Mapping):
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current)
    return False
