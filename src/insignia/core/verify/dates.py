"""Reading the XML Schema dateTime values that credentials carry."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def parse_datetime(value: object) -> tuple[datetime | None, bool]:
    """Parse an xsd:dateTime; return (value, had_timezone).

    A value without a timezone is read as UTC (VCDM 1.1 allowed it) and reported by the
    caller.  Returns ``(None, False)`` for anything that is not a dateTime.
    """
    if not isinstance(value, str) or not _DATETIME.match(value):
        return None, False
    text = value
    has_tz = text.endswith("Z") or bool(re.search(r"[+-]\d{2}:\d{2}$", text))
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # fromisoformat accepts at most 6 fractional digits
    text = re.sub(r"\.(\d{6})\d+", r".\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None, False
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed, has_tz


def format_datetime(moment: datetime) -> str:
    """Format an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
