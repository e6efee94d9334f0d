"""The pure evaluation of requirement trees, checked against the plain boolean meaning over
random trees and holdings (hypothesis), and the shape and cycle checks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from insignia.web.pathways import tree
from insignia.web.pathways.tree import Group, Holding, Leaf

BADGES = ["a", "b", "c", "d", "e"]


def holding(achievement: str, *, valid: bool = True, kind: str = "credential") -> Holding:
    return Holding(kind, f"id-{achievement}-{valid}", achievement.upper(), "", valid, achievement)


leaf_st = st.sampled_from(BADGES).map(lambda b: Leaf(tree.ACHIEVEMENT, b, b.upper()))


def _group(children: list[tree.Node], data: st.DataObject | None = None) -> st.SearchStrategy:
    return st.one_of(
        st.just(Group(tree.ALL_OF, tuple(children))),
        st.integers(1, len(children)).map(lambda n: Group(tree.AT_LEAST, tuple(children), n)),
    )


trees = st.recursive(
    leaf_st,
    lambda inner: st.lists(inner, min_size=1, max_size=4).flatmap(_group),
    max_leaves=12,
)
holdings_st = st.lists(st.builds(holding, st.sampled_from(BADGES), valid=st.booleans()), max_size=8)


@settings(max_examples=300, deadline=None)
@given(trees, holdings_st)
def test_evaluation_agrees_with_the_boolean_meaning(root: tree.Node, held: list[Holding]) -> None:
    outcome = tree.evaluate(root, held)
    assert outcome.satisfied == tree.satisfied(root, held)
    assert 0 <= outcome.have <= outcome.need <= len(tree.leaves(root))
    assert (outcome.have == outcome.need) == outcome.satisfied
    assert len(outcome.missing) == outcome.need - outcome.have
    assert all(h.valid for h in outcome.used)
    if outcome.satisfied:
        # what is cited is enough on its own, and only valid badges are cited
        assert tree.satisfied(root, list(outcome.used))


@settings(max_examples=200, deadline=None)
@given(trees, holdings_st)
def test_invalid_badges_never_count(root: tree.Node, held: list[Holding]) -> None:
    valid_only = [h for h in held if h.valid]
    assert tree.evaluate(root, held) == tree.evaluate(root, valid_only)


@settings(max_examples=200, deadline=None)
@given(trees, holdings_st, st.sampled_from(BADGES))
def test_more_badges_never_undo_progress(root: tree.Node, held: list[Holding], extra: str) -> None:
    before = tree.evaluate(root, held)
    after = tree.evaluate(root, [*held, holding(extra)])
    assert after.satisfied >= before.satisfied
    assert after.held >= before.held


def test_progress_counts_leaves_of_the_shortest_way() -> None:
    root = Group(
        tree.ALL_OF,
        (
            Leaf(tree.ACHIEVEMENT, "a", "A"),
            Group(tree.AT_LEAST, tuple(Leaf(tree.ACHIEVEMENT, b, b) for b in "bcd"), 2),
        ),
    )
    outcome = tree.evaluate(root, [holding("a"), holding("c")])
    assert (outcome.satisfied, outcome.have, outcome.need) == (False, 2, 3)
    assert [leaf.value for leaf in outcome.missing] == ["b"]
    done = tree.evaluate(root, [holding("a"), holding("c"), holding("d"), holding("b")])
    assert done.satisfied and {h.achievement for h in done.used} == {"a", "c", "b"}


def test_external_and_skill_leaves_match_ids_and_skills() -> None:
    outside = Holding(
        "imported",
        "1",
        "Outside",
        "",
        True,
        achievement_ids=frozenset({"https://x.example/a"}),
        skills=frozenset({"sql"}),
    )
    assert tree.leaf_matches(Leaf(tree.EXTERNAL, "https://x.example/a"), outside)
    assert not tree.leaf_matches(Leaf(tree.EXTERNAL, "https://x.example/b"), outside)
    assert tree.leaf_matches(Leaf(tree.SKILL, "sql"), outside)
    assert not tree.leaf_matches(Leaf(tree.ACHIEVEMENT, ""), outside)


def test_shape_problems_are_named() -> None:
    a, b = Leaf(tree.ACHIEVEMENT, "a"), Leaf(tree.ACHIEVEMENT, "b")
    assert tree.shape_problems(Group(tree.ALL_OF, (a,)), max_depth=3, max_leaves=5) == []
    empty = tree.shape_problems(Group(tree.ALL_OF, ()), max_depth=3, max_leaves=5)
    assert empty == ["Requirements: the group is empty; add a requirement or remove it."]
    (too_many,) = tree.shape_problems(Group(tree.AT_LEAST, (a, b), 3), max_depth=3, max_leaves=5)
    assert "N between 1 and 2" in too_many and "not 3" in too_many
    deep: tree.Node = a
    for _ in range(4):
        deep = Group(tree.ALL_OF, (deep,))
    (depth,) = tree.shape_problems(deep, max_depth=3, max_leaves=5)
    assert "at most 3 deep" in depth
    nested_empty = Group(tree.ALL_OF, (a, Group(tree.AT_LEAST, (), 1)))
    assert tree.shape_problems(nested_empty, max_depth=3, max_leaves=5) == [
        "Requirements › item 2: the group is empty; add a requirement or remove it."
    ]
    wide = Group(tree.ALL_OF, tuple(Leaf(tree.ACHIEVEMENT, str(i)) for i in range(6)))
    assert tree.shape_problems(wide, max_depth=3, max_leaves=5) == [
        "A pathway may have at most 5 requirements."
    ]


def test_cycles_are_found_through_chains_of_pathways() -> None:
    assert tree.find_cycle("g", {"g": {"a", "b"}}) is None
    assert tree.find_cycle("g", {"g": {"g"}}) == ["g", "g"]
    assert tree.find_cycle("a", {"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert tree.find_cycle("a", {"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert tree.find_cycle("a", {"a": {"b"}, "b": {"c"}, "c": {"b"}}) is None
