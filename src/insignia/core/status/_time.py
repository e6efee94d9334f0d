"""Reading and writing the XML Schema dateTimes that validity windows use.

Kept tiny and private: the engine has no clock, so callers pass ``now`` and every date in a
document is compared against it here as an aware datetime.
"""

from __future__ import annotations

from datetime import UTC, datetime

from insignia.core.errors import InputError


def require_aware(value: datetime, name: str) -> datetime:
    """Refuse naive datetimes: comparing them with document dates would silently guess a zone."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InputError(
            f"{name} must be a timezone-aware datetime.", code="input.naive_datetime", name=name
        )
    return value


def format_instant(value: datetime) -> str:
    """Format as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds), the form VCDM examples use."""
    require_aware(value, "datetime")
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(text: object) -> datetime | None:
    """Parse a dateTime string; None when it is not one.  A missing zone is read as UTC."""
    if not isinstance(text, str) or not 10 <= len(text) <= 40:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
