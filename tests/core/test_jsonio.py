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


def scanned_depth_ok(text: str, max_depth: int) -> bool:
    """The character-by-character scanner check_depth replaced: the reference answer."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def depth_ok(text: str, max_depth: int) -> bool:
    try:
        check_depth(text, max_depth)
    except InputError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='[]{}"\\ a\n', max_size=60), st.integers(min_value=0, max_value=6))
def test_depth_check_agrees_with_a_plain_scanner(text: str, max_depth: int) -> None:
    """Unterminated strings, escaped quotes, a trailing backslash: all as the plain scanner."""
    assert depth_ok(text, max_depth) == scanned_depth_ok(text, max_depth)
