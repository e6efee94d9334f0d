"""Literal values as the JavaScript reference stack writes them into RDF.

Data Integrity signatures are checked by jsonld.js verifiers, so a literal must come out of
JSON-LD → RDF exactly as it does there, which is not always what pyoxigraph does:

* numbers are read as IEEE-754 doubles, as JavaScript does (``1.0`` is the integer ``1``,
  ``1e21`` and up are ``xsd:double``); integers no double holds exactly are refused;
* doubles are written in JSON-LD's ``%1.15E`` form, not oxigraph's shortest form;
* base direction becomes an ``https://www.w3.org/ns/i18n#lang_dir`` datatype (the
  ``i18n-datatype`` mode the Data Integrity libraries use).

The functions here are shared by both routes into pyoxigraph (compact JSON with inlined
contexts, and our own expanded form: :func:`read_expanded`), so the two agree on every
value by construction.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

import pyoxigraph as ox

from insignia.core.errors import InputError, JsonLdError

I18N: Final = "https://www.w3.org/ns/i18n#"
_SAFE_INT: Final = 2**53
_DOUBLE_FROM: Final = 10**21
_NOT_NUMERIC: Final = frozenset(
    {
        "http://www.w3.org/2001/XMLSchema#string",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON",
    }
)


def read_number(value: Any, doubles: set[float]) -> Any:
    """An IEEE-754 double, integral below 10**21 (JSON-LD toRdf as JavaScript runs it).

    Anything that is not a number is returned as is.  Numbers that become ``xsd:double``
    literals are added to ``doubles`` (see :func:`fix_literal`).

    :raises InputError: NaN, Infinity, or an integer no double holds exactly.
    :raises JsonLdError: ``jsonld.ambiguous_number`` for a number jsonld.js reads as zero.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, int):
        if abs(value) <= _SAFE_INT:
            return value
        value = exact_double(value)
    if not math.isfinite(value):
        raise InputError("JSON has no NaN or Infinity.", code="input.invalid_json")
    if value.is_integer() and abs(value) < _DOUBLE_FROM:
        return int(value)
    if abs(value) < 1e-6 and "." not in repr(value):
        # jsonld.js tests String(n) for a "." and so signs 1e-7 as the integer 0.
        raise JsonLdError(
            f"The number {value!r} is read differently by JSON-LD processors; "
            "write it with more digits or as a string.",
            code="jsonld.ambiguous_number",
        )
    doubles.add(value)
    return value


def read_literal(value: Any, doubles: set[float]) -> Any:
    """Copy a JSON value, reading its numbers as JavaScript does and changing nothing else."""
    if isinstance(value, Mapping):
        return {k: read_literal(v, doubles) for k, v in value.items()}
    if isinstance(value, list):
        return [read_literal(v, doubles) for v in value]
    return read_number(value, doubles)


def direction_only(value: Mapping[str, Any], doubles: set[float]) -> Any:
    """``{"@value", "@direction"}`` with no language: pyoxigraph would drop the direction,
    so the i18n datatype is written out here instead."""
    if "@language" in value or not isinstance(value["@direction"], str):
        return read_literal(value, doubles)
    rest = {k: v for k, v in value.items() if k not in ("@direction", "@type")}
    return {**read_literal(rest, doubles), "@type": f"{I18N}_{value['@direction']}"}


def read_expanded(value: Any, doubles: set[float]) -> Any:
    """Apply :func:`read_number` and :func:`direction_only` to the value objects of an
    expanded document, the only places an expanded document holds numbers or directions.

    Nothing is changed in place: containers are copied only where a value changed, so the
    usual credential (strings and small integers) is returned as it is, without a copy.
    """
    kind = type(value)
    if kind is str:  # most of an expanded document: IRIs and plain strings
        return value
    if kind is list:
        out: list[Any] | None = None
        for i, item in enumerate(value):
            new = read_expanded(item, doubles)
            if new is not item:
                out = list(value) if out is None else out
                out[i] = new
        return value if out is None else out
    if kind is not dict and not isinstance(value, Mapping):
        return value
    if "@value" in value:
        if value.get("@type") == "@json":
            return _replace(value, "@value", read_literal(value["@value"], doubles))
        if "@direction" in value:
            return direction_only(value, doubles)
        return _replace(value, "@value", read_number(value["@value"], doubles))
    changed: dict[str, Any] | None = None
    for key, item in value.items():
        new = read_expanded(item, doubles)
        if new is not item:
            changed = dict(value) if changed is None else changed
            changed[key] = new
    return value if changed is None else changed


def _replace(value: Mapping[str, Any], key: str, new: Any) -> Any:
    return value if new is value[key] else {**value, key: new}


def exact_double(value: int) -> float:
    """The double a JavaScript reader holds for a big integer, if it holds it exactly.

    :raises InputError: code ``input.imprecise_number`` when it would be rounded: readers
        would then disagree on the value the signature covers.
    """
    rounded = float(value) if abs(value) < 2**1024 else math.inf
    if rounded != value:
        raise InputError(
            f"The integer {value} has no exact IEEE-754 double; JSON readers round it "
            "differently. Write it as a string.",
            code="input.imprecise_number",
        )
    return rounded


def js_double(value: float) -> str:
    """The xsd:double lexical form JSON-LD gives a number: ``%1.15E``, zeros trimmed.

    Ties round away from zero, as JavaScript's ``toExponential(15)`` does.
    """
    exact = Decimal(abs(value))
    exponent = exact.adjusted()
    mantissa = exact.scaleb(-exponent).quantize(Decimal("1E-15"), rounding=ROUND_HALF_UP)
    if mantissa >= 10:
        mantissa, exponent = (mantissa / 10).quantize(Decimal("1E-15")), exponent + 1
    whole, fraction = f"{mantissa:f}".split(".")
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{fraction.rstrip('0') or '0'}E{exponent}"


def fix_literal(quad: ox.Quad, doubles: set[float]) -> ox.Quad:
    """Give literals the lexical forms of the reference stack.

    Directional literals (RDF 1.2) become the ``i18n-datatype`` form; numbers pyoxigraph wrote
    in shortest form become JSON-LD's ``%1.15E`` form (``0.1 + 0.2`` → ``3.0E-1``).
    """
    obj = quad.object
    if not isinstance(obj, ox.Literal):
        return quad
    if obj.direction is not None:
        direction = "rtl" if obj.direction == ox.BaseDirection.RTL else "ltr"
        datatype = ox.NamedNode(f"{I18N}{obj.language or ''}_{direction}")
        literal = ox.Literal(obj.value, datatype=datatype)
    elif doubles and "E" in obj.value and obj.datatype.value not in _NOT_NUMERIC:
        try:
            number = float(obj.value)
        except ValueError:
            return quad
        if number not in doubles or js_double(number) == obj.value:
            return quad
        literal = ox.Literal(js_double(number), datatype=obj.datatype)
    else:
        return quad
    return ox.Quad(quad.subject, quad.predicate, literal, quad.graph_name)
