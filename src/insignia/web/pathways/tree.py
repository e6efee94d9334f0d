"""Requirement trees as plain values, and their evaluation over a learner's holdings.

Nothing here touches the database or the clock: :func:`evaluate` is a pure function of a tree
and a list of :class:`Holding` (each already judged valid or not at some ``now`` by the
caller), so it can be tested exhaustively (see the hypothesis tests).

Progress is counted in leaves.  An *all of* group needs every child; an *at least n of* group
needs its n most advanced children (ties: the cheaper ones), so "x of y" always describes the
shortest way still open, and ``have == need`` exactly when the tree is satisfied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

ALL_OF = "all_of"
AT_LEAST = "at_least_n"
ACHIEVEMENT = "achievement"
EXTERNAL = "external"
SKILL = "skill"


@dataclass(frozen=True, slots=True)
class Leaf:
    """One required badge: ``kind`` is achievement (``value`` = our achievement's id),
    external (``value`` = the outside achievement id) or skill (``value`` = a skill key)."""

    kind: str
    value: str
    label: str = ""
    key: str = ""  # the requirement row's id, for links and forms


@dataclass(frozen=True, slots=True)
class Group:
    """All of its children (``n`` None) or at least ``n`` of them."""

    kind: str
    children: tuple[Group | Leaf, ...]
    n: int | None = None
    key: str = ""


Node = Group | Leaf


@dataclass(frozen=True, slots=True)
class Holding:
    """A badge in a learner's wallet, reduced to what requirements can match."""

    kind: str  # "credential" (issued here) or "imported"
    id: str
    name: str
    url: str
    valid: bool
    achievement: str = ""  # our achievement's id (credentials issued here)
    achievement_ids: frozenset[str] = frozenset()  # achievement ids in the signed document
    skills: frozenset[str] = frozenset()  # skill keys of its alignments


def leaf_matches(leaf: Leaf, holding: Holding) -> bool:
    """Whether ``holding`` is the badge ``leaf`` asks for (validity aside)."""
    if not leaf.value:
        return False
    if leaf.kind == ACHIEVEMENT:
        return holding.achievement == leaf.value
    if leaf.kind == EXTERNAL:
        return leaf.value in holding.achievement_ids
    if leaf.kind == SKILL:
        return leaf.value in holding.skills
    return False


@dataclass(frozen=True, slots=True)
class Outcome:
    """The evaluation of one node: progress, what is missing and what met it."""

    satisfied: bool
    have: int
    need: int
    missing: tuple[Leaf, ...] = ()
    used: tuple[Holding, ...] = ()
    #: Every leaf the learner holds a valid badge for (counts "started").
    held: int = 0
    #: Per node key: whether it is met (for showing the tree).
    met: Mapping[str, bool] = field(default_factory=dict)


def _leaf(leaf: Leaf, holdings: Sequence[Holding]) -> Outcome:
    found = next((h for h in holdings if h.valid and leaf_matches(leaf, h)), None)
    met = {leaf.key: found is not None} if leaf.key else {}
    if found is None:
        return Outcome(False, 0, 1, missing=(leaf,), met=met)
    return Outcome(True, 1, 1, used=(found,), held=1, met=met)


def _dedupe(holdings: Iterable[Holding]) -> tuple[Holding, ...]:
    seen: dict[tuple[str, str], Holding] = {}
    for h in holdings:
        seen.setdefault((h.kind, h.id), h)
    return tuple(seen.values())


def _node(node: Node, holdings: Sequence[Holding]) -> Outcome:
    if isinstance(node, Leaf):
        return _leaf(node, holdings)
    outcomes = [_node(child, holdings) for child in node.children]
    met: dict[str, bool] = {}
    for o in outcomes:
        met.update(o.met)
    held = sum(o.held for o in outcomes)
    if node.kind == AT_LEAST:
        wanted = max(0, min(node.n or 0, len(outcomes)))
        ranked = sorted(
            outcomes, key=lambda o: (-(o.have / o.need if o.need else 1.0), o.need - o.have)
        )
        chosen = ranked[:wanted]
        satisfied = sum(o.satisfied for o in outcomes) >= (node.n or 0) and bool(outcomes)
    else:
        chosen = outcomes
        satisfied = bool(outcomes) and all(o.satisfied for o in outcomes)
    if node.key:
        met[node.key] = satisfied
    used = _dedupe(h for o in chosen if o.satisfied for h in o.used)
    return Outcome(
        satisfied,
        sum(o.have for o in chosen),
        sum(o.need for o in chosen),
        missing=tuple(leaf for o in chosen for leaf in o.missing),
        used=used,
        held=held,
        met=met,
    )


def evaluate(root: Node, holdings: Sequence[Holding]) -> Outcome:
    """Evaluate ``root`` over ``holdings`` (only the valid ones count)."""
    return _node(root, holdings)


def satisfied(node: Node, holdings: Sequence[Holding]) -> bool:
    """The plain boolean meaning of a tree (the reference :func:`evaluate` is tested against)."""
    if isinstance(node, Leaf):
        return any(h.valid and leaf_matches(node, h) for h in holdings)
    results = [satisfied(c, holdings) for c in node.children]
    if node.kind == AT_LEAST:
        return bool(results) and sum(results) >= (node.n or 0)
    return bool(results) and all(results)


def leaves(node: Node) -> list[Leaf]:
    """Every leaf under ``node``, in order."""
    if isinstance(node, Leaf):
        return [node]
    return [leaf for child in node.children for leaf in leaves(child)]


def shape_problems(root: Node, *, max_depth: int, max_leaves: int) -> list[str]:
    """What is wrong with a tree's shape, in words (empty: nothing)."""
    problems: list[str] = []

    def walk(node: Node, depth: int, path: str) -> None:
        if isinstance(node, Leaf):
            if not node.value:
                problems.append(f"{path}: a requirement names no badge or skill.")
            return
        if depth > max_depth:
            problems.append(f"{path}: groups may be nested at most {max_depth} deep.")
            return
        if not node.children:
            problems.append(f"{path}: the group is empty; add a requirement or remove it.")
            return
        if node.kind == AT_LEAST:
            count = len(node.children)
            if node.n is None or not 1 <= node.n <= count:
                problems.append(
                    f"{path}: “at least N of” needs N between 1 and {count} (the number of "
                    f"requirements in it), not {node.n}."
                )
        for i, child in enumerate(node.children, start=1):
            walk(child, depth + 1, f"{path} › item {i}")

    walk(root, 1, "Requirements")
    if len(leaves(root)) > max_leaves:
        problems.append(f"A pathway may have at most {max_leaves} requirements.")
    return problems


def find_cycle(goal: str, requires: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A chain ``[goal, a, …, goal]`` when earning ``goal`` requires ``goal`` again through
    pathways (``requires[x]``: the badges the pathways towards ``x`` require), else None."""
    stack: list[tuple[str, list[str]]] = [(goal, [goal])]
    seen: set[str] = set()
    while stack:
        current, chain = stack.pop()
        for nxt in sorted(requires.get(current, ())):
            if nxt == goal:
                return [*chain, goal]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*chain, nxt]))
    return None
