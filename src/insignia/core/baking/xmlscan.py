"""A hardened, streaming look at an SVG document: just enough XML to find (and place) badges.

We use the standard library's expat parser directly, with every door that XML bombs and
XXE walk through closed: any entity declaration (internal — "billion laughs" — or external
— ``SYSTEM "file:///etc/passwd"``) is refused outright, parameter entities and external
DTDs are never loaded, and entity references the parser would have to skip are refused
too.  A plain ``<!DOCTYPE svg PUBLIC …>`` line, as drawing programs write it, is allowed:
it is only never fetched.  Nothing here touches the network or the file system.

Besides the elements it is asked for, the scan records byte offsets so that baking can
splice a new element into the original bytes without re-serialising (and so altering)
the artwork.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NoReturn
from xml.parsers import expat

from insignia.core.baking.payload import MAX_PAYLOAD_BYTES
from insignia.core.errors import BakingError

SVG_NS = "http://www.w3.org/2000/svg"

# A start tag: name, then attributes with quoted values; expat has already checked it.
_START_TAG = re.compile(rb"<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(/?)>")


@dataclass(slots=True)
class Element:
    """An element found by the scan, with its byte range in the document."""

    ns: str
    local: str
    start: int
    tag_end: int
    self_closing: bool
    attrs: dict[str, str]
    text_parts: list[str] = field(default_factory=list)
    text_size: int = 0
    end: int = -1

    @property
    def text(self) -> str:
        """The element's own character data (text and CDATA, not its children's)."""
        return "".join(self.text_parts)


@dataclass(slots=True)
class Scan:
    """What :func:`scan` found: the root element, its namespace declarations, the matches."""

    root: Element | None = None
    root_ns: dict[str, str] = field(default_factory=dict)
    found: list[Element] = field(default_factory=list)


def _hostile(what: str) -> NoReturn:
    raise BakingError(
        f"The SVG contains {what}; it is refused to prevent XML entity attacks.",
        code="bake.hostile_xml",
    )


def _start_tag(data: bytes, start: int) -> tuple[int, bool]:
    match = _START_TAG.match(data, start)
    if match is None:
        raise BakingError("An SVG start tag could not be located.", code="bake.invalid_svg")
    return match.end(), bool(match.group(1))


class _Scanner:
    """Expat callbacks; one instance per document."""

    def __init__(self, data: bytes, wanted: frozenset[tuple[str, str]]) -> None:
        self.data = data
        self.wanted = wanted
        self.result = Scan()
        self.pending_ns: dict[str, str] = {}
        self.depth = 0
        self.capture: tuple[Element, int] | None = None
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self._harden()

    def _harden(self) -> None:
        p = self.parser
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.UseForeignDTD(False)
        p.EntityDeclHandler = lambda *_: _hostile("an entity declaration")
        p.UnparsedEntityDeclHandler = lambda *_: _hostile("an unparsed entity")
        p.ExternalEntityRefHandler = lambda *_: _hostile("an external entity reference")
        p.SkippedEntityHandler = lambda *_: _hostile("an undeclared entity reference")
        p.StartNamespaceDeclHandler = self.on_ns
        p.StartElementHandler = self.on_start
        p.EndElementHandler = self.on_end
        p.CharacterDataHandler = self.on_text
        p.buffer_text = True

    def on_ns(self, prefix: str | None, uri: str | None) -> None:
        if self.result.root is None:
            self.pending_ns[prefix or ""] = uri or ""

    def on_start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        ns, _, local = name.rpartition(" ")
        is_root = self.result.root is None
        if not is_root and ((ns, local) not in self.wanted or self.capture is not None):
            return
        start = self.parser.CurrentByteIndex
        tag_end, self_closing = _start_tag(self.data, start)
        element = Element(ns, local, start, tag_end, self_closing, dict(attrs))
        if is_root:
            self.result.root = element
            self.result.root_ns = dict(self.pending_ns)
        if (ns, local) in self.wanted and self.capture is None:
            self.result.found.append(element)
            self.capture = (element, self.depth)

    def on_text(self, text: str) -> None:
        if self.capture is None or self.capture[1] != self.depth:
            return
        element = self.capture[0]
        element.text_size += len(text)
        if element.text_size > MAX_PAYLOAD_BYTES:
            raise BakingError("The baked credential is too large.", code="bake.too_large")
        element.text_parts.append(text)

    def on_end(self, _name: str) -> None:
        if self.capture is not None and self.capture[1] == self.depth:
            element = self.capture[0]
            if element.self_closing:
                element.end = element.tag_end
            else:
                close = self.data.find(b">", self.parser.CurrentByteIndex)
                element.end = close + 1
            self.capture = None
        self.depth -= 1


def scan(data: bytes, wanted: frozenset[tuple[str, str]]) -> Scan:
    """Parse ``data`` safely and return its root and the first-level matches of ``wanted``.

    Matches nested inside an earlier match are not reported separately.

    :raises BakingError: ``bake.hostile_xml`` (entities, XXE), ``bake.invalid_svg`` (not
        well-formed XML), ``bake.too_large``.
    """
    scanner = _Scanner(data, wanted)
    try:
        scanner.parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise BakingError(
            f"The SVG is not well-formed XML: {expat.ErrorString(exc.code)} "
            f"(line {exc.lineno}, column {exc.offset}).",
            code="bake.invalid_svg",
        ) from exc
    except RecursionError as exc:  # pragma: no cover - expat does not recurse
        raise BakingError("The SVG nests too deeply.", code="bake.invalid_svg") from exc
    return scanner.result
