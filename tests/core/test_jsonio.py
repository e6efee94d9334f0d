"""Bounded JSON parsing refuses what would hurt a verifier, with stable codes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insignia.core.errors import InputError
from insignia.core.jsonio import MAX_DEPTH, check_depth, parse_json, parse_json_object


def codes(data: bytes | str, **limits: int) -> str:
    with pytest.raises(InputError) as err:
        parse_json(data, **limits)
    return err.value.code


def test_parses_ordinary_credential_json() -> None:
    assert parse_json(b'{"a": [1, 2.5, "x", true, null]}') == {"a": [1, 2.5, "x", True, None]}


def test_utf8_bom_is_accepted() -> None:
    assert parse_json("\ufeff{}".encode()) == {}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{", "input.invalid_json"),
        (b"", "input.invalid_json"),
        (b'{"a": NaN}', "input.invalid_json"),
        (b'{"a": Infinity}', "input.invalid_json"),
        (b'{"a": 1, "a": 2}', "input.duplicate_key"),
        (b"\xff\xfe{}", "input.not_utf8"),
    ],
)
def test_malformed_input_gets_a_clear_code(data: bytes, code: str) -> None:
    assert codes(data) == code


def test_ten_thousand_deep_nesting_is_refused_before_parsing() -> None:
    deep = "[" * 10_000 + "]" * 10_000
    assert codes(deep) == "input.too_deep"


def test_nesting_inside_strings_does_not_count() -> None:
    text = json.dumps({"s": "[" * 1000 + '\\"{{{'})
    check_depth(text)
    assert parse_json(text)["s"].startswith("[[[")


def test_depth_limit_is_exact() -> None:
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_json(ok) is not None
    assert codes("[" + ok + "]") == "input.too_deep"


def test_fifty_megabytes_is_refused_without_decoding() -> None:
    big = b'{"a": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    assert codes(big) == "input.too_large"


def test_object_required() -> None:
    with pytest.raises(InputError) as err:
        parse_json_object(b"[1]")
    assert err.value.code == "input.not_object"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_fail_cleanly(data: bytes) -> None:
    try:
        parse_json(data)
    except InputError as exc:
        assert exc.code.startswith("input.")


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=30,
    )
)
def test_round_trips_valid_json(value: object) -> None:
    assert parse_json(json.dumps(value)) == value
