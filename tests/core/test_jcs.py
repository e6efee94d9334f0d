"""The fast JCS path writes exactly what ``rfc8785`` writes, or steps aside."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insignia.core import jcs
from insignia.core.errors import InputError
from insignia.core.jsonld.literals import exact_double

# Surrogates cannot be UTF-8; every other character, astral and private-use included.
CHARS = st.characters(exclude_categories=("Cs",))
EDGE_CHARS = st.sampled_from(
    [
        "\x00",
        "\x1f",
        "\x7f",
        '"',
        "\\",
        "\u2028",
        "\ud7ff",
        "\ue000",
        "\uffff",
        "\U00010000",
        "\U0001f600",
        "\U0010ffff",
        "é",
        "a",
        "A",
        "\b",
        "\f",
        "\n",
        "\r",
        "\t",
    ]
)
TEXT = st.text(st.one_of(CHARS, EDGE_CHARS), max_size=12)
INTS = st.one_of(
    st.integers(-(2**53) + 1, 2**53 - 1),
    st.sampled_from([2**53 - 1, -(2**53) + 1, 2**53, -(2**53), 2**60, 10**21, 2**1023]),
)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
SCALARS = st.one_of(st.none(), st.booleans(), INTS, FLOATS, TEXT)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(TEXT, inner, max_size=6)),
    max_leaves=30,
)
FLOAT_FREE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**53) + 1, 2**53 - 1), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(TEXT, inner, max_size=6)),
    max_leaves=30,
)


def _reference(value: Any) -> bytes:
    """rfc8785 alone, with big integers read as doubles (what the engine always did)."""

    def doubles(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: doubles(x) for k, x in v.items()}
        if isinstance(v, list):
            return [doubles(x) for x in v]
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 2**53:
            return exact_double(v)
        return v

    return bytes(rfc8785.dumps(doubles(value)))


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_any_json_canonicalizes_as_rfc8785_does(value: Any) -> None:
    try:
        expected = _reference(value)
    except (rfc8785.CanonicalizationError, ValueError):
        with pytest.raises(InputError):
            jcs.canonicalize(value)
        return
    assert jcs.canonicalize(value) == expected


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FLOAT_FREE)
def test_fast_path_is_exact_whenever_it_answers(value: Any) -> None:
    fast = jcs.fast_canonical(value)
    if fast is not None:
        assert fast == bytes(rfc8785.dumps(value))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(st.characters(max_codepoint=0xD7FF), max_size=8), TEXT, max_size=8))
def test_bmp_keys_take_the_fast_path(value: dict[str, str]) -> None:
    """Keys below U+D800 sort alike by code points and UTF-16: the fast path answers."""
    if any(c >= "\U00010000" for v in value.values() for c in v) and any(
        "\ue000" <= c <= "\uffff" for v in value.values() for c in v
    ):
        return  # values holding both kinds make it step aside (conservatively)
    assert jcs.fast_canonical(value) == bytes(rfc8785.dumps(value))


@pytest.mark.parametrize(
    "value",
    [
        {"\U0001f600": 1, "\ue000": 2},  # UTF-16 puts the astral key first
        {"\uffff": 1, "\U00010000": 2, "a": 3},
        {"a": 0.1},
        {"a": 1.0},
        {"a": -0.0},
        {"a": 1e21},
        {"a": 2**53},
        {"a": -(2**60)},
        {"a": (1, 2)},
    ],
)
def test_what_the_fast_path_leaves_to_rfc8785(value: Any) -> None:
    assert jcs.fast_canonical(value) is None
    assert jcs.canonicalize(value) == _reference(value)


def test_astral_keys_sort_by_utf16() -> None:
    assert jcs.canonicalize({"\ue000": 1, "\U0001f600": 2}) == (
        '{"\U0001f600":2,"\ue000":1}'.encode()
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ({"a": float("nan")}, "input.not_json"),
        ({"a": "\ud800"}, "input.not_json"),
        ({1: "x"}, "input.not_json"),
        ({"a": object()}, "input.not_json"),
        ({"a": 2**1100 + 1}, "input.imprecise_number"),  # no double equals it
    ],
)
def test_what_cannot_be_canonicalized_is_refused(value: Any, code: str) -> None:
    with pytest.raises(InputError) as caught:
        jcs.canonicalize(value)
    assert caught.value.code == code


def test_bools_and_null_are_not_numbers() -> None:
    value = {"t": True, "f": False, "n": None, "one": 1, "zero": 0}
    assert jcs.fast_canonical(value) == b'{"f":false,"n":null,"one":1,"t":true,"zero":0}'
