"""Bounded JSON parsing: every document from outside passes through here first.

Python's ``json`` module happily builds a 50 MB document or recurses until ``RecursionError``
on ``[[[[…]]]]``.  A verifier that takes files from strangers needs clear limits instead, and
it needs to refuse what JSON allows but signatures cannot survive: duplicate keys (two
parsers may keep different values) and the non-standard ``NaN``/``Infinity`` literals.
"""

from __future__ import annotations

import json
import re
from typing import Any

from insignia.core.errors import InputError

#: Largest document we read, in bytes.  Real credentials are a few KB; a baked image's
#: credential with inline images stays well under this.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
#: Deepest nesting of arrays and objects we accept.  OB 3.0 credentials nest about 8 deep.
MAX_DEPTH = 64
#: A JSON string, escapes included; an unterminated one runs to the end of the text.
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)


def _reject_constant(name: str) -> Any:
    raise InputError(f"JSON does not allow {name}.", code="input.invalid_json")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputError(
                f"The JSON object has the key {key!r} twice.", code="input.duplicate_key", key=key
            )
        out[key] = value
    return out


def check_depth(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`InputError` when brackets outside strings nest deeper than ``max_depth``.

    Runs before ``json.loads`` so that a hostile document never reaches the recursive parser.
    Strings (whose brackets are not structure) are cut out by one regular expression first,
    so only the brackets themselves are looked at one by one, and only when there are more
    than ``max_depth`` of them.
    """
    brackets = _STRINGS.sub("", text)
    if brackets.count("[") + brackets.count("{") <= max_depth:
        return  # so few openers cannot nest too deeply
    depth = 0
    for ch in brackets:
        if ch in "[{":
            depth += 1
            if depth > max_depth:
                raise InputError(
                    f"The JSON nests deeper than {max_depth} levels.",
                    code="input.too_deep",
                    max_depth=max_depth,
                )
        elif ch in "]}":
            depth -= 1


def parse_json(
    data: bytes | str,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """Parse untrusted JSON within size and depth limits.

    :raises InputError: with code ``input.too_large``, ``input.too_deep``,
        ``input.not_utf8``, ``input.invalid_json`` or ``input.duplicate_key``.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise InputError(
            f"The document is {size:,} bytes; the limit is {max_bytes:,}.",
            code="input.too_large",
            size=size,
            max_bytes=max_bytes,
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError("The document is not UTF-8 text.", code="input.not_utf8") from exc
    else:
        text = data
    check_depth(text, max_depth)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"The document is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).",
            code="input.invalid_json",
            line=exc.lineno,
            column=exc.colno,
        ) from exc
    except RecursionError as exc:  # pragma: no cover - check_depth prevents it
        raise InputError("The JSON nests too deeply.", code="input.too_deep") from exc


def parse_json_object(data: bytes | str, **limits: Any) -> dict[str, Any]:
    """Parse untrusted JSON that must be an object (a credential, a DID document…)."""
    value = parse_json(data, **limits)
    if not isinstance(value, dict):
        raise InputError(
            f"Expected a JSON object, found {type(value).__name__}.", code="input.not_object"
        )
    return value
