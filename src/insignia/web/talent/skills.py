"""Normalising skill names: what an issuer's alignment says, in one canonical wording."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def normalise(text: str) -> str:
    """Lower-cased, accent-folded, single-spaced, without surrounding punctuation."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _EDGE.sub("", _SPACE.sub(" ", folded.casefold()).strip())[:200]


def code_alias(framework: str, code: str) -> str:
    """The alias of a framework code, e.g. ``esco:s1.2.3`` (empty without a code)."""
    code = normalise(code)
    return f"{normalise(framework) or 'code'}:{code}"[:300] if code else ""
