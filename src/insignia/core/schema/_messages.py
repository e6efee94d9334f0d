"""Turn jsonschema errors into :class:`Problem` entries a person can act on.

jsonschema's own messages quote whole sub-documents ("{…} is not valid under any of the given
schemas"); a badge owner needs the place and the fix: "issuer.image must be an object, not a
string", "validFrom is required but missing".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from insignia.core.vcdm import Problem, as_list, join_path


def translate(error: ValidationError) -> list[Problem]:
    """Turn one jsonschema error into problems (a failed ``oneOf`` may give several)."""
    return _translate(error)


def _translate(error: ValidationError) -> list[Problem]:
    """Turn one jsonschema error into problems a person can act on."""
    path = _path_of(error.absolute_path)
    keyword = str(error.validator)
    describe = _DESCRIBERS.get(keyword)
    if describe is not None:
        return [describe(error, path)]
    if keyword in ("oneOf", "anyOf") and error.context:
        return _translate_choice(error, path)
    return [_problem(keyword, path, f"{_label(path)}: {_short(error.message)}")]


def _translate_choice(error: ValidationError, path: str) -> list[Problem]:
    """Explain a failed ``oneOf``/``anyOf`` by the alternative the value was meant to be.

    ``issuer`` may be a URL string or a Profile object: when it is an object, only the Profile
    alternative's complaints are useful.  Alternatives that reject the value's JSON type
    outright are discarded; if one alternative remains, its problems are reported.
    """
    children = list(error.context or ())
    if all(c.validator in ("enum", "pattern", "const") for c in children):
        allowed = [v for c in children if c.validator == "enum" for v in c.validator_value]
        patterns = [str(c.validator_value) for c in children if c.validator == "pattern"]
        extra = ""
        if patterns:
            extra = " or a custom value 'ext:…'" if "ext:" in patterns[0] else f" or {patterns[0]}"
        return [
            _problem(
                "enum",
                path,
                f"{_label(path)} has the value {_value(error.instance)}, "
                f"which is not allowed: use one of {_list(allowed)}{extra}.",
            )
        ]
    branches: dict[object, list[ValidationError]] = {}
    for child in children:
        branch = child.relative_schema_path[0] if child.relative_schema_path else None
        branches.setdefault(branch, []).append(child)
    viable = [
        errors
        for errors in branches.values()
        if not any(e.validator == "type" and not e.relative_path for e in errors)
    ]
    if len(viable) == 1:
        return [p for e in viable[0] for p in _translate(e)]
    if not viable:
        wanted = [
            _article(t)
            for errors in branches.values()
            for e in errors
            if e.validator == "type" and not e.relative_path
            for t in as_list(e.validator_value)
        ]
        found = _article(_json_type(error.instance))
        return [
            _problem("type", path, f"{_label(path)} must be {' or '.join(wanted)}, not {found}.")
        ]
    best = best_match(children)
    if best is None:  # pragma: no cover - children is not empty
        return [_problem(str(error.validator), path, f"{_label(path)} has an invalid form.")]
    return _translate(best)


def _describe_required(error: ValidationError, path: str) -> Problem:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    missing = [k for k in error.validator_value if k not in instance and repr(k) in error.message]
    where = join_path(path, missing[0]) if missing else path
    return _problem("required", where, f"{_label(where)} is required but missing.")


def _describe_type(error: ValidationError, path: str) -> Problem:
    expected = " or ".join(_article(t) for t in as_list(error.validator_value))
    return _problem(
        "type",
        path,
        f"{_label(path)} must be {expected}, not {_article(_json_type(error.instance))}.",
    )


def _describe_enum(error: ValidationError, path: str) -> Problem:
    return _problem(
        "enum",
        path,
        f"{_label(path)} has the value {_value(error.instance)}; "
        f"it must be one of {_list(error.validator_value)}.",
    )


def _describe_contains(error: ValidationError, path: str) -> Problem:
    wanted = error.validator_value
    values = wanted.get("enum", []) if isinstance(wanted, Mapping) else []
    need = " or ".join(repr(v) for v in values) if values else "a matching item"
    return _problem("contains", path, f"{_label(path)} must include {need}.")


def _describe_pattern(error: ValidationError, path: str) -> Problem:
    return _problem(
        "pattern",
        path,
        f"{_label(path)} has the value {_value(error.instance)}, "
        f"which does not have the required form {error.validator_value}.",
    )


def _describe_format(error: ValidationError, path: str) -> Problem:
    example = "2024-05-01T12:00:00Z" if error.validator_value == "date-time" else "2024-05-01"
    return _problem(
        "format",
        path,
        f"{_label(path)} has the value {_value(error.instance)}, "
        f"which is not a valid {error.validator_value} (like {example}).",
    )


def _describe_min_items(error: ValidationError, path: str) -> Problem:
    return _problem(
        "minItems", path, f"{_label(path)} must have at least {error.validator_value} item(s)."
    )


def _describe_additional(error: ValidationError, path: str) -> Problem:
    allowed = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    extras = sorted(str(k) for k in instance if k not in allowed)
    return _problem(
        "additionalProperties",
        path,
        f"{_label(path)} has properties that are not allowed here: {', '.join(extras)}.",
    )


_DESCRIBERS: dict[str, Callable[[ValidationError, str], Problem]] = {
    "required": _describe_required,
    "type": _describe_type,
    "enum": _describe_enum,
    "contains": _describe_contains,
    "pattern": _describe_pattern,
    "format": _describe_format,
    "minItems": _describe_min_items,
    "additionalProperties": _describe_additional,
}


def _path_of(parts: Iterable[Any]) -> str:
    path = ""
    for part in parts:
        path = join_path(path, part)
    return path


def _problem(keyword: str, path: str, message: str) -> Problem:
    code = "".join(f"_{c.lower()}" if c.isupper() else c for c in keyword)
    return Problem(f"schema.{code}", message, path)


def warning(code: str, path: str, message: str) -> Problem:
    """Build a warning-level problem."""
    return Problem(code, message, path, "warning")


def not_object() -> Problem:
    """The problem for a document that is not a JSON object."""
    return Problem("schema.not_object", "The document must be a JSON object.", "")


def _label(path: str) -> str:
    return path or "The document"


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _value(value: object) -> str:
    return _short(
        json.dumps(value, default=repr) if not isinstance(value, str) else repr(value), 80
    )


def _list(values: Iterable[Any], limit: int = 8) -> str:
    items = [repr(v) for v in values]
    shown = ", ".join(items[:limit])
    return shown + (f" (and {len(items) - limit} more)" if len(items) > limit else "")


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    for python_type, name in names.items():
        if isinstance(value, python_type):
            return name
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def _article(name: object) -> str:
    text = str(name)
    if text == "null":
        return "null"
    return ("an " if text[:1] in "aeiou" else "a ") + text
