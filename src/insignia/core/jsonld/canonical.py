"""RDFC-1.0 canonical N-Quads of a JSON-LD document: the exact bytes a Data Integrity proof hashes.

JSON-LD → RDF is pyoxigraph 0.5's parser.  It has no document-loader hook, so every
``@context`` URL is replaced by the pinned copy from a :class:`ContextStore` first
("inlining"), recursively through scoped contexts and ``@import``; an unknown URL is a
:class:`ContextError` and nothing is ever fetched.  pyoxigraph escapes literals exactly as
RDFC-1.0 and the JavaScript reference do (pyld 3.3 does not) and enforces ``@protected``.

RDFC-1.0 itself is implemented here (:func:`canonicalize_quads`) rather than taken from
``Dataset.canonicalize``: oxigraph 0.5.13 keeps the blank nodes related to a node in a *set*
where the algorithm (and rdf-canonize, pyld) keep a *list*, so documents with two
look-alike blank nodes in different named graphs (two identical embedded proofs, say) get
other labels than every other implementation.  Ours also bounds the work: RDFC-1.0 is
exponential on "poison" graphs, so like the reference stack (rdf-canonize ``maxWorkFactor``
1) we allow as many deep hashing rounds as there are look-alike blank nodes, and refuse more
with ``jsonld.too_complex``.

Adjustments that keep our bytes equal to the JavaScript reference stack's:

* numbers are read as IEEE-754 doubles, as JavaScript does (``1.0`` is the integer ``1``,
  ``1e21`` and up are ``xsd:double``); integers no double holds exactly are refused;
* base direction becomes an ``https://www.w3.org/ns/i18n#lang_dir`` datatype (the
  ``i18n-datatype`` mode the Data Integrity libraries use); ``@direction`` inside a context
  is refused, since pyoxigraph silently drops a direction that has no language;
* a context object wrapped as ``{"@context": {...}}`` is unwrapped, as jsonld.js does;
* ``@base`` inside a remote context is dropped when inlining, as JSON-LD ignores it there.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final
from urllib.parse import urljoin, urlsplit
from weakref import WeakKeyDictionary

import pyoxigraph as ox

from insignia.core.errors import ContextError, InputError, JsonLdError
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore

#: Most quads a document may produce (a full OB 3.0 credential gives a few hundred).
MAX_QUADS: Final = 20_000
#: Most blank nodes a document may produce.
MAX_BLANK_NODES: Final = 4_096
#: Most permutations RDFC-1.0 may try in all (each is cheap; millions are an attack).
MAX_PERMUTATIONS: Final = 50_000
#: Deepest chain of contexts that include other contexts.
MAX_CONTEXT_DEPTH: Final = 16
I18N: Final = "https://www.w3.org/ns/i18n#"
_SAFE_INT: Final = 2**53
_DOUBLE_FROM: Final = 10**21
_CACHE_SIZE: Final = 256
#: Base IRI given to the parser so that relative references surface instead of vanishing.
_SENTINEL_BASE: Final = "https://relative-reference.insignia.invalid/"

_Cached = tuple[str, frozenset[str]]
_CACHES: WeakKeyDictionary[ContextStore, OrderedDict[str, _Cached]] = WeakKeyDictionary()


def canonicalize(
    doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE, utf16_order: bool = False
) -> str:
    """Return the RDFC-1.0 canonical N-Quads of ``doc``: sorted lines, each ending in ``\\n``.

    :param utf16_order: sort N-Quads by UTF-16 code units, as rdf-canonize (JavaScript)
        does, instead of the code points RDFC-1.0 prescribes; the two differ only when
        lines first differ at a character above U+FFFF versus one in U+E000–U+FFFF.
    :raises ContextError: a context URL the store does not hold (never fetched).
    :raises JsonLdError: invalid JSON-LD (e.g. a protected term redefined), a number
        JSON-LD processors disagree on (``jsonld.ambiguous_number``), or a document too
        large or too ambiguous to canonicalize safely (``jsonld.too_complex``).
    :raises InputError: the document holds values JSON cannot represent.
    """
    return canonicalize_quads(to_quads(doc, store=store), utf16_order=utf16_order)


def to_quads(doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE) -> list[ox.Quad]:
    """Parse ``doc`` as JSON-LD (contexts inlined from ``store``) into RDF quads."""
    doubles: set[float] = set()
    text = expanded_json_text(doc, store=store, doubles=doubles)
    try:
        parsed = ox.parse(text, ox.RdfFormat.JSON_LD, base_iri=_SENTINEL_BASE)
        quads = [_fix_literal(_no_relative(q), doubles) for q in parsed]
    except SyntaxError as exc:
        raise JsonLdError(
            f"The document is not valid JSON-LD: {exc}", code="jsonld.invalid", reason=str(exc)
        ) from None
    if len(quads) > MAX_QUADS:
        raise _too_complex(f"it has {len(quads):,} statements (limit {MAX_QUADS:,})")
    return quads


def expanded_json_text(
    doc: Mapping[str, Any],
    *,
    store: ContextStore = DEFAULT_STORE,
    doubles: set[float] | None = None,
) -> str:
    """Return ``doc`` as JSON text with every context URL replaced by the pinned context.

    Only ``@context`` entries (top level and in node objects) are rewritten; values of terms
    typed ``@json`` are literals and stay as they are, apart from reading numbers as doubles.
    Numbers that become ``xsd:double`` literals are added to ``doubles``.
    """
    if not isinstance(doc, Mapping):
        raise InputError("A JSON-LD document must be a JSON object.", code="input.not_object")
    ctx_text, json_terms = ("", frozenset[str]())
    if "@context" in doc:
        ctx_text, json_terms = inlined_context(doc["@context"], store=store)
    body = _Body(store, set() if doubles is None else doubles).rewrite(
        {k: v for k, v in doc.items() if k != "@context"}, json_terms
    )
    body_text = _dumps(body)
    if not ctx_text:
        return body_text
    return '{"@context":' + ctx_text + ("}" if body_text == "{}" else "," + body_text[1:])


def inlined_context(context: Any, *, store: ContextStore = DEFAULT_STORE) -> _Cached:
    """Return ``context`` as JSON text with all URLs inlined, and the terms typed ``@json``.

    Cached per store and context value: a batch of credentials sharing their contexts pays
    for inlining (and serializing ~30 KB of context) once.
    """
    key = _dumps(context, sort_keys=True)
    cache = _CACHES.setdefault(store, OrderedDict())
    hit = cache.get(key)
    if hit is not None:
        cache.move_to_end(key)
        return hit
    inliner = _Inliner(store)
    result = (
        _dumps(inliner.context(context, (), None, remote=False)),
        frozenset(inliner.json_terms),
    )
    cache[key] = result
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return result


# --- context inlining --------------------------------------------------------------------


class _Inliner:
    """Replaces context URLs by their pinned documents, noting terms typed ``@json``."""

    def __init__(self, store: ContextStore) -> None:
        self.store = store
        self.json_terms: set[str] = set()

    def context(self, ctx: Any, chain: tuple[str, ...], base: str | None, *, remote: bool) -> Any:
        if ctx is None:
            return None
        if isinstance(ctx, str):
            url = _resolve(ctx, base)
            return self.context(self._load(url, chain), (*chain, url), url, remote=True)
        if isinstance(ctx, list):
            return [self.context(c, chain, base, remote=remote) for c in ctx]
        if isinstance(ctx, Mapping):
            if "@context" in ctx:  # jsonld.js unwraps {"@context": {...}} given as a context
                ctx = ctx["@context"]
                if not isinstance(ctx, Mapping):
                    raise _invalid_context("A wrapped context must be one object.")
            return self._object(ctx, chain, base, remote)
        raise _invalid_context(f"A @context cannot be {type(ctx).__name__}.")

    def _object(
        self, ctx: Mapping[str, Any], chain: tuple[str, ...], base: str | None, remote: bool
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        imported: dict[str, Any] = {}
        for key, value in ctx.items():
            if key == "@base" and remote:
                continue  # JSON-LD 1.1: @base in a remote context is ignored
            if key == "@direction" or (isinstance(value, Mapping) and "@direction" in value):
                raise JsonLdError(
                    "Contexts that set a base direction are not supported.",
                    code="jsonld.unsupported_direction",
                )
            if key == "@import":
                imported = self._import(value, chain, base)
            elif isinstance(value, Mapping) and not key.startswith("@"):
                out[key] = self._term(key, value, chain, base, remote)
            else:
                out[key] = value
        # @import merges, the importing context's entries winning (context processing 5.6.7).
        return {**imported, **out} if imported else out

    def _term(
        self,
        term: str,
        definition: Mapping[str, Any],
        chain: tuple[str, ...],
        base: str | None,
        remote: bool,
    ) -> dict[str, Any]:
        if definition.get("@type") == "@json":
            self.json_terms.add(term)
        out = dict(definition)
        if "@context" in definition:
            out["@context"] = self.context(definition["@context"], chain, base, remote=remote)
        return out

    def _import(self, value: Any, chain: tuple[str, ...], base: str | None) -> dict[str, Any]:
        if not isinstance(value, str):
            raise _invalid_context("@import must name a context URL.")
        url = _resolve(value, base)
        loaded = self._load(url, chain)
        if not isinstance(loaded, Mapping) or "@import" in loaded:
            raise _invalid_context(f"{url} cannot be imported: it must be one object, no @import.")
        return self._object(loaded, (*chain, url), url, True)

    def _load(self, url: str, chain: tuple[str, ...]) -> Any:
        if url in chain:
            raise JsonLdError(f"The context {url} includes itself.", code="jsonld.context_cycle")
        if len(chain) >= MAX_CONTEXT_DEPTH:
            raise JsonLdError("Contexts nest too deeply.", code="jsonld.context_overflow")
        document = self.store.get(url)  # ContextError for unknown URLs: never fetched
        if "@context" not in document:
            raise JsonLdError(
                f"The context document {url} has no @context entry.",
                code="jsonld.invalid_remote_context",
                url=url,
            )
        return document["@context"]


def _resolve(ref: str, base: str | None) -> str:
    if urlsplit(ref).scheme:
        return ref
    if base is None:
        raise ContextError(f"The relative context reference {ref!r} has no base.", url=ref)
    return urljoin(base, ref)


def _invalid_context(message: str) -> JsonLdError:
    return JsonLdError(message, code="jsonld.invalid_context")


# --- the document body -------------------------------------------------------------------


class _Body:
    """Copies the document body: embedded contexts inlined, numbers read as JavaScript does."""

    def __init__(self, store: ContextStore, doubles: set[float]) -> None:
        self.store = store
        self.doubles = doubles

    def rewrite(self, value: Any, json_terms: frozenset[str]) -> Any:
        if isinstance(value, list):
            return [self.rewrite(v, json_terms) for v in value]
        if not isinstance(value, Mapping):
            return self.number(value)
        if "@value" in value:
            return self.direction_only(value) if "@direction" in value else self.literal(value)
        out: dict[str, Any] = {}
        if "@context" in value:
            ctx_text, extra = inlined_context(value["@context"], store=self.store)
            out["@context"] = json.loads(ctx_text)
            json_terms = json_terms | extra
        for key, item in value.items():
            if key != "@context":
                out[key] = (
                    self.literal(item) if key in json_terms else self.rewrite(item, json_terms)
                )
        return out

    def direction_only(self, value: Mapping[str, Any]) -> Any:
        """``{"@value", "@direction"}`` with no language: pyoxigraph would drop the direction."""
        if "@language" in value or not isinstance(value["@direction"], str):
            return self.literal(value)
        rest = {k: v for k, v in value.items() if k not in ("@direction", "@type")}
        return {**self.literal(rest), "@type": f"{I18N}_{value['@direction']}"}

    def literal(self, value: Any) -> Any:
        """Copy a JSON value, reading its numbers as JavaScript does and changing nothing else."""
        if isinstance(value, Mapping):
            return {k: self.literal(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.literal(v) for v in value]
        return self.number(value)

    def number(self, value: Any) -> Any:
        """An IEEE-754 double, integral below 10**21 (JSON-LD toRdf as JavaScript runs it)."""
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
        self.doubles.add(value)
        return value


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


def _js_double(value: float) -> str:
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


def _dumps(value: Any, *, sort_keys: bool = False) -> str:
    try:
        return json.dumps(
            value, ensure_ascii=False, allow_nan=False, separators=(",", ":"), sort_keys=sort_keys
        )
    except (TypeError, ValueError) as exc:
        raise InputError(f"The document is not JSON: {exc}", code="input.not_json") from None


def _no_relative(quad: ox.Quad) -> ox.Quad:
    """Refuse relative IRIs: without a base, JSON-LD processors drop them from the data."""
    for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
        if isinstance(term, ox.NamedNode) and term.value.startswith(_SENTINEL_BASE):
            relative = term.value[len(_SENTINEL_BASE) :]
            raise JsonLdError(
                f"The document uses the relative reference {relative!r}; "
                "identifiers and types must be absolute IRIs.",
                code="jsonld.relative_iri",
                reference=relative,
            )
    return quad


_NOT_NUMERIC = frozenset(
    {
        "http://www.w3.org/2001/XMLSchema#string",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON",
    }
)


def _fix_literal(quad: ox.Quad, doubles: set[float]) -> ox.Quad:
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
        if number not in doubles or _js_double(number) == obj.value:
            return quad
        literal = ox.Literal(_js_double(number), datatype=obj.datatype)
    else:
        return quad
    return ox.Quad(quad.subject, quad.predicate, literal, quad.graph_name)


# --- RDFC-1.0 ----------------------------------------------------------------------------

_Parts = tuple[str, str, str, str]  # subject, predicate, object, graph: N-Quads text or "_:id"


def canonicalize_quads(quads: Sequence[ox.Quad], *, utf16_order: bool = False) -> str:
    """Return the RDFC-1.0 (SHA-256) canonical N-Quads of ``quads``, lines sorted.

    :param utf16_order: see :func:`canonicalize`.

    :raises JsonLdError: code ``jsonld.too_complex`` when the dataset is too large or would
        need more deep hashing than the reference stack allows.
    """
    unique = list(dict.fromkeys(_parts(q) for q in quads))  # a dataset is a set
    return _Rdfc(unique, _utf16_key if utf16_order else None).run()


def _parts(quad: ox.Quad) -> _Parts:
    graph = quad.graph_name
    return (
        _text(quad.subject),
        str(quad.predicate),
        _text(quad.object),
        "" if isinstance(graph, ox.DefaultGraph) else _text(graph),
    )


def _text(term: Any) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Issuer:
    """RDFC-1.0 identifier issuer: hands out ``prefix0``, ``prefix1``… in issue order."""

    def __init__(self, prefix: str, issued: dict[str, str] | None = None) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = dict(issued or {})

    def issue(self, node: str) -> str:
        if node not in self.issued:
            self.issued[node] = f"{self.prefix}{len(self.issued)}"
        return self.issued[node]

    def copy(self) -> _Issuer:
        return _Issuer(self.prefix, self.issued)


class _Rdfc:
    """One run of RDFC-1.0 over a dataset (W3C Recommendation, 2024), section numbers cited."""

    def __init__(self, quads: list[_Parts], sort_key: Callable[[str], Any] | None) -> None:
        self.quads = quads
        self.sort_key = sort_key
        self.mentions: dict[str, list[_Parts]] = {}  # 4.4.3 step 2: blank node → its quads
        for quad in quads:
            for part in dict.fromkeys((quad[0], quad[2], quad[3])):  # a self-loop counts once
                if part.startswith("_:"):
                    self.mentions.setdefault(part, []).append(quad)
        if len(self.mentions) > MAX_BLANK_NODES:
            raise _too_complex(f"it has {len(self.mentions):,} blank nodes")
        self.canonical = _Issuer("c14n")
        self.first_degree: dict[str, str] = {}
        self.deep_budget = 0
        self.permutations = 0

    def run(self) -> str:
        by_hash: dict[str, list[str]] = {}
        for node in self.mentions:  # 4.4.3 step 3
            by_hash.setdefault(self.hash_first_degree(node), []).append(node)
        shared = []
        for digest in sorted(by_hash):  # step 4: unique hashes name their node at once
            nodes = by_hash[digest]
            if len(nodes) == 1:
                self.canonical.issue(nodes[0])
            else:
                shared.append(nodes)
        self.deep_budget = sum(len(nodes) for nodes in shared)  # as rdf-canonize maxWorkFactor 1
        for nodes in shared:  # step 5
            paths: list[tuple[str, _Issuer]] = []
            for node in nodes:
                if node in self.canonical.issued:
                    continue
                temporary = _Issuer("b")
                temporary.issue(node)
                issuer, digest = self.hash_n_degree(node, temporary)
                paths.append((digest, issuer))
            for _, issuer in sorted(paths, key=lambda p: p[0]):
                for existing in issuer.issued:
                    self.canonical.issue(existing)
        lines = (self.line(q, self.canonical.issued) for q in self.quads)
        return "".join(sorted(lines, key=self.sort_key))

    @staticmethod
    def line(quad: _Parts, names: Mapping[str, str], default: str | None = None) -> str:
        def label(part: str) -> str:
            if not part.startswith("_:"):
                return part
            return "_:" + (names[part] if default is None else names.get(part, default))

        graph = f" {label(quad[3])}" if quad[3] else ""
        return f"{label(quad[0])} {quad[1]} {label(quad[2])}{graph} .\n"

    def hash_first_degree(self, node: str) -> str:  # 4.6
        cached = self.first_degree.get(node)
        if cached is None:
            lines = (self.line(q, {node: "a"}, "z") for q in self.mentions[node])
            cached = _sha256("".join(sorted(lines, key=self.sort_key)))
            self.first_degree[node] = cached
        return cached

    def hash_related(self, related: str, predicate: str, issuer: _Issuer, position: str) -> str:
        text = position if position == "g" else f"{position}{predicate}"  # 4.7
        known = self.canonical.issued.get(related) or issuer.issued.get(related)
        return _sha256(text + (f"_:{known}" if known else self.hash_first_degree(related)))

    def hash_n_degree(self, node: str, issuer: _Issuer) -> tuple[_Issuer, str]:  # 4.8
        if self.deep_budget <= 0:
            raise _too_complex("its blank nodes need more deep hashing than allowed")
        self.deep_budget -= 1
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.mentions[node]:
            for part, position in ((quad[0], "s"), (quad[2], "o"), (quad[3], "g")):
                if part.startswith("_:") and part != node:
                    digest = self.hash_related(part, quad[1], issuer, position)
                    related_by_hash.setdefault(digest, []).append(part)
        data = ""
        for digest in sorted(related_by_hash):
            path, issuer = self._choose_path(related_by_hash[digest], issuer)
            data += digest + path
        return issuer, _sha256(data)

    def _choose_path(self, related: list[str], issuer: _Issuer) -> tuple[str, _Issuer]:
        chosen: tuple[str, _Issuer] | None = None
        for permutation in _distinct_permutations(related):
            self.permutations += 1
            if self.permutations > MAX_PERMUTATIONS:
                raise _too_complex("its blank nodes need too many permutations")
            attempt = self._path(permutation, issuer.copy(), chosen[0] if chosen else None)
            if attempt is not None and (chosen is None or attempt[0] < chosen[0]):
                chosen = attempt
        assert chosen is not None  # the first permutation is never pruned
        return chosen

    def _path(
        self, permutation: Sequence[str], issuer: _Issuer, best: str | None
    ) -> tuple[str, _Issuer] | None:
        """Steps 4.8.3 5.4.1–5.4.5; None when the path cannot beat ``best``."""
        path = ""
        recursion: list[str] = []
        for related in permutation:
            if related in self.canonical.issued:
                path += f"_:{self.canonical.issued[related]}"
            else:
                if related not in issuer.issued:
                    recursion.append(related)
                path += f"_:{issuer.issue(related)}"
            if _worse(path, best):
                return None
        for related in recursion:
            result_issuer, digest = self.hash_n_degree(related, issuer)
            path += f"_:{issuer.issue(related)}<{digest}>"
            issuer = result_issuer
            if _worse(path, best):
                return None
        return path, issuer


def _utf16_key(line: str) -> bytes:
    return line.encode("utf-16-be", "surrogatepass")


def _worse(path: str, best: str | None) -> bool:
    return best is not None and len(path) >= len(best) and path > best


def _distinct_permutations(items: list[str]) -> Iterator[tuple[str, ...]]:
    """Each distinct ordering once (a node related twice appears twice, as the spec wants)."""
    current = sorted(items)
    while True:
        yield tuple(current)
        i = len(current) - 2
        while i >= 0 and current[i] >= current[i + 1]:
            i -= 1
        if i < 0:
            return
        j = len(current) - 1
        while current[j] <= current[i]:
            j -= 1
        current[i], current[j] = current[j], current[i]
        current[i + 1 :] = reversed(current[i + 1 :])


def _too_complex(reason: str) -> JsonLdError:
    return JsonLdError(
        f"The document is too complex to canonicalize safely: {reason}.",
        code="jsonld.too_complex",
    )
