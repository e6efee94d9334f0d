"""RDFC-1.0 (W3C Recommendation, 2024): canonical N-Quads of a dataset, with a work budget.

Implemented here rather than taken from pyoxigraph's ``Dataset.canonicalize``: oxigraph
0.5.13 keeps the blank nodes related to a node in a *set* where the algorithm (and
rdf-canonize, pyld) keep a *list*, so documents with two look-alike blank nodes in different
named graphs (two identical embedded proofs, say) get other labels than every other
implementation.  Ours also bounds the work: RDFC-1.0 is exponential on "poison" graphs, so
like the reference stack (rdf-canonize ``maxWorkFactor`` 1) we allow as many deep hashing
rounds as there are look-alike blank nodes, and refuse more with ``jsonld.too_complex``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final

import pyoxigraph as ox

from insignia.core.errors import JsonLdError

#: Most blank nodes a document may produce.
MAX_BLANK_NODES: Final = 4_096
#: Most permutations RDFC-1.0 may try in all (each is cheap; millions are an attack).
MAX_PERMUTATIONS: Final = 50_000

_Parts = tuple[str, str, str, str]  # subject, predicate, object, graph: N-Quads text or "_:id"


def canonicalize_quads(quads: Sequence[ox.Quad], *, utf16_order: bool = False) -> str:
    """Return the RDFC-1.0 (SHA-256) canonical N-Quads of ``quads``, lines sorted.

    :param utf16_order: see :func:`insignia.core.jsonld.canonical.canonicalize`.

    :raises JsonLdError: code ``jsonld.too_complex`` when the dataset is too large or would
        need more deep hashing than the reference stack allows.
    """
    # A dataset is a set: duplicates count once.  Quads without blank nodes never change,
    # so they are written out at once (pyoxigraph's text for a quad is its N-Quads form);
    # only the others take part in labelling.
    ground: list[str] = []
    linked: list[_Parts] = []
    for quad in quads:
        if _has_blank_node(quad):
            linked.append(_parts(quad))
        else:
            ground.append(f"{quad} .\n")
    return canonicalize_parts(ground, linked, utf16_order=utf16_order)


def canonicalize_parts(
    ground: Sequence[str], linked: Sequence[_Parts], *, utf16_order: bool = False
) -> str:
    """:func:`canonicalize_quads` of quads already written as N-Quads text.

    :param ground: the lines (``"s p o [g] .\\n"``) of quads without blank nodes.
    :param linked: the others, as (subject, predicate, object, graph) texts, blank nodes as
        ``_:label`` and the default graph as ``""``.  Duplicates count once in both.
    """
    key = _utf16_key if utf16_order else None
    return _Rdfc(list(dict.fromkeys(linked)), key).run(list(dict.fromkeys(ground)))


def _has_blank_node(quad: ox.Quad) -> bool:
    return (
        isinstance(quad.subject, ox.BlankNode)
        or isinstance(quad.object, ox.BlankNode)
        or isinstance(quad.graph_name, ox.BlankNode)
    )


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
            raise too_complex(f"it has {len(self.mentions):,} blank nodes")
        self.canonical = _Issuer("c14n")
        self.first_degree: dict[str, str] = {}
        self.deep_budget = 0
        self.permutations = 0

    def run(self, ground: list[str]) -> str:
        """Label the blank nodes; return every line, ``ground`` ones included, sorted."""
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
        ground.extend(self.line(q, self.canonical.issued) for q in self.quads)
        return "".join(sorted(ground, key=self.sort_key))

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
            raise too_complex("its blank nodes need more deep hashing than allowed")
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
                raise too_complex("its blank nodes need too many permutations")
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


def too_complex(reason: str) -> JsonLdError:
    """The error for data too large or too ambiguous to canonicalize within our budgets."""
    return JsonLdError(
        f"The document is too complex to canonicalize safely: {reason}.",
        code="jsonld.too_complex",
    )
