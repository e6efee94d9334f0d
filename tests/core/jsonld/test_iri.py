"""IRI predicates follow jsonld.js (the reference verifiers), resolution follows RFC 3986."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insignia.core.jsonld.iri import has_keyword_form, is_absolute, is_bcp47, is_keyword, resolve

BASE = "http://a/b/c/d;p?q"


@pytest.mark.parametrize(
    ("value", "absolute"),
    [
        ("https://example.org/x", True),
        ("did:example:123", True),
        ("urn:uuid:5b4a", True),
        ("_:b0", True),  # blank node labels count as absolute, as in jsonld.js
        ("a,b:c", True),  # jsonld.js's scheme class "[A-Za-z0-9+-.]" is a range: , included
        ("http://example.org/a b", False),  # whitespace anywhere makes it relative
        ("http://example.org/a\u00a0b", False),
        ("https://example.org/x\n", False),
        ("1http://x", False),
        ("relative/path", False),
        ("#fragment", False),
        ("", False),
        (None, False),
    ],
)
def test_is_absolute(value: object, absolute: bool) -> None:
    assert is_absolute(value) is absolute


def test_keywords_and_keyword_forms() -> None:
    assert is_keyword("@id") and is_keyword("@requireAll")
    assert not is_keyword("@foo") and not is_keyword("id") and not is_keyword(None)
    assert (
        has_keyword_form("@foo") and not has_keyword_form("@foo1") and not has_keyword_form("a@b")
    )


@pytest.mark.parametrize(
    ("tag", "ok"),
    [("en", True), ("en-US", True), ("zh-Hant-TW", True), ("en_US", False), ("", False)],
)
def test_bcp47_shape(tag: str, ok: bool) -> None:
    assert is_bcp47(tag) is ok


# RFC 3986 §5.4.1 "normal examples" and some §5.4.2 "abnormal" ones.
@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("g:h", "g:h"),
        ("g", "http://a/b/c/g"),
        ("./g", "http://a/b/c/g"),
        ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"),
        ("//g", "http://g"),
        ("?y", "http://a/b/c/d;p?y"),
        ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q#s"),
        ("g#s", "http://a/b/c/g#s"),
        (";x", "http://a/b/c/;x"),
        ("", "http://a/b/c/d;p?q"),
        (".", "http://a/b/c/"),
        ("./", "http://a/b/c/"),
        ("..", "http://a/b/"),
        ("../g", "http://a/b/g"),
        ("../..", "http://a/"),
        ("../../g", "http://a/g"),
        ("../../../g", "http://a/g"),
        ("/./g", "http://a/g"),
        ("g.", "http://a/b/c/g."),
        ("./../g", "http://a/b/g"),
        ("g;x=1/../y", "http://a/b/c/y"),
    ],
)
def test_resolve_rfc3986_examples(reference: str, expected: str) -> None:
    assert resolve(BASE, reference) == expected


def test_resolve_without_base_keeps_references_relative() -> None:
    assert resolve(None, "relative") == "relative"
    assert resolve("https://example.org:443/a/", "b") == "https://example.org/a/b"


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[a-z0-9./?#;=_-]{0,20}", fullmatch=True))
def test_resolving_against_an_absolute_base_gives_an_absolute_iri(reference: str) -> None:
    assert is_absolute(resolve("https://example.org/dir/doc", reference))
