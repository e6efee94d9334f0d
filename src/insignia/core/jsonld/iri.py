"""IRI and keyword predicates with exactly the reference processor's (jsonld.js) semantics.

Safe mode is only useful if it agrees with what other verifiers do, so "absolute" here means
what jsonld.js means by it — a scheme (or ``_``), a colon, and no whitespace — not the full
RFC 3987 grammar.  An IRI with a space in it is therefore *relative*: jsonld.js drops it when
making RDF, and so must we.
"""

from __future__ import annotations

import re
from typing import Final

#: Every JSON-LD keyword jsonld.js knows (framing keywords included: they are reserved too).
KEYWORDS: Final = frozenset(
    ("@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit",
     "@graph", "@id", "@included", "@index", "@json", "@language", "@list", "@nest", "@none",
     "@omitDefault", "@prefix", "@preserve", "@protected", "@requireAll", "@reverse", "@set",
     "@type", "@value", "@version", "@vocab")
)  # fmt: skip

# JavaScript's ``\s`` (the ECMAScript WhiteSpace and LineTerminator sets), spelt out because
# Python's ``\s`` is a slightly different set and ``$`` would accept a trailing newline.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# ``[A-Za-z0-9+-.]`` in the original is a character range from "+" to ".", i.e. "+,-.".
_ABSOLUTE = re.compile(rf"(?:[A-Za-z][A-Za-z0-9+,\-.]*|_):[^{_JS_SPACE}]*")
_KEYWORD_FORM = re.compile(r"@[a-zA-Z]+")
_BCP47 = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")
# RFC 3986 appendix B, as jsonld.js's parser splits a reference (port and userinfo kept whole).
_SPLIT = re.compile(r"(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.DOTALL)


def is_keyword(value: object) -> bool:
    """Return whether ``value`` is a JSON-LD keyword (``"@id"``, ``"@type"``…)."""
    return isinstance(value, str) and value in KEYWORDS


def has_keyword_form(value: str) -> bool:
    """Return whether ``value`` looks like a keyword (``@`` and letters): reserved, so ignored."""
    return _KEYWORD_FORM.fullmatch(value) is not None


def is_absolute(value: object) -> bool:
    """Return whether ``value`` is an absolute IRI or a blank node label, as jsonld.js judges."""
    return isinstance(value, str) and _ABSOLUTE.fullmatch(value) is not None


def is_bcp47(value: str) -> bool:
    """Return whether ``value`` has the shape jsonld.js accepts for a language tag."""
    return _BCP47.fullmatch(value) is not None


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, in the segment-list form jsonld.js uses (same results)."""
    if not path:
        return ""
    segments = path.split("/")
    out: list[str] = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment in {".", ".."}:
            if segment == ".." and out:
                out.pop()
            if last:
                out.append("")
            continue
        out.append(segment)
    if path.startswith("/") and out and out[0] != "":
        out.insert(0, "")
    if out == [""]:
        return "/"
    return "/".join(out)


def _strip_default_port(scheme: str | None, authority: str | None) -> str | None:
    if authority is None:
        return None
    for name, port in (("https", ":443"), ("http", ":80")):
        if scheme == name and authority.endswith(port):
            return authority[: -len(port)]
    return authority


def resolve(base: str | None, reference: str) -> str:
    """Resolve ``reference`` against ``base`` (RFC 3986 §5.2.2, jsonld.js's ``prependBase``).

    ``base=None`` means "no base": the reference is returned unchanged, which is what the
    Data Integrity suites ask of jsonld.js (``base: null``), so relative IRIs stay relative and
    are reported rather than silently made absolute.
    """
    if base is None or is_absolute(reference):
        return reference
    b = _SPLIT.match(base)
    r = _SPLIT.match(reference)
    if b is None or r is None:  # pragma: no cover - the pattern matches every string
        return reference
    b_scheme, b_auth, b_path, b_query, _ = b.groups()
    r_auth, r_path, r_query, r_fragment = r.group(2), r.group(3), r.group(4), r.group(5)
    b_auth = _strip_default_port(b_scheme, b_auth)
    if r_auth is not None:
        authority, path, query = r_auth, r_path, r_query
    else:
        authority = b_auth
        if r_path == "":
            path = b_path
            query = r_query if r_query is not None else b_query
        else:
            if r_path.startswith("/"):
                path = r_path
            else:
                merged = b_path[: b_path.rfind("/") + 1]
                if (merged or b_auth) and not merged.endswith("/"):
                    merged += "/"
                path = merged + r_path
            query = r_query
    if r_path != "":
        path = _remove_dot_segments(path)
    out = f"{b_scheme}:" if b_scheme else ""
    if authority is not None:
        out += "//" + authority
    out += path
    if query is not None:
        out += "?" + query
    if r_fragment is not None:
        out += "#" + r_fragment
    return out or "./"
