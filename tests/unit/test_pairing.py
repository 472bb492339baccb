"""Properties of the coffee pairing, checked against brute force for small communities."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from matrixcowork.features.coffee.pairing import pair_up, recent_pairs, repeats

PEOPLE = [f"@p{i}:owl" for i in range(12)]


def partitions(people: list[str]) -> Iterator[list[tuple[str, ...]]]:
    """Every split into pairs plus, for an odd count, exactly one group of three."""
    if not people:
        yield []
        return
    first, rest = people[0], people[1:]
    odd = len(people) % 2 == 1
    if not (odd and len(rest) == 2):
        for other in rest:
            left = [p for p in rest if p != other]
            for tail in partitions(left):
                yield [(first, other), *tail]
    if odd:
        for a, b in combinations(rest, 2):
            left = [p for p in rest if p not in (a, b)]
            for tail in partitions(left):
                if all(len(g) == 2 for g in tail):
                    yield [(first, a, b), *tail]


@st.composite
def rounds(draw, max_people: int = 9) -> tuple[list[str], Counter[frozenset[str]]]:
    n = draw(st.integers(2, max_people))
    people = PEOPLE[:n]
    pairs = list(combinations(people, 2))
    met = draw(st.lists(st.sampled_from(pairs), max_size=len(pairs)))
    return people, recent_pairs(met)


def assert_partition(people: list[str], groups: list[tuple[str, ...]]) -> None:
    placed = [p for g in groups for p in g]
    assert sorted(placed) == sorted(people)  # everyone, exactly once
    sizes = Counter(len(g) for g in groups)
    assert set(sizes) <= {2, 3}
    assert sizes[3] == len(people) % 2  # one three exactly when the count is odd


@settings(max_examples=300, deadline=None)
@given(rounds(), st.integers(0, 2**32))
def test_everyone_is_in_exactly_one_group_of_two_or_the_one_three(case, seed) -> None:
    people, recent = case
    assert_partition(people, pair_up(people, recent, random.Random(seed)))


@settings(max_examples=300, deadline=None)
@given(rounds(), st.integers(0, 2**32))
def test_no_repeats_whenever_a_repeat_free_round_exists(case, seed) -> None:
    people, recent = case
    groups = pair_up(people, recent, random.Random(seed))
    best = min(repeats(p, recent) for p in partitions(people))
    assert repeats(groups, recent) == best  # 0 when a repeat-free round exists


@settings(max_examples=50, deadline=None)
@given(st.integers(10, 40), st.integers(0, 2**32))
def test_large_rounds_partition_within_the_budget(n, seed) -> None:
    rng = random.Random(seed)
    people = [f"@m{i}:owl" for i in range(n)]
    history = [pair_up(people, None, rng) for _ in range(3)]
    recent = recent_pairs(g for round_ in history for g in round_)
    groups = pair_up(people, recent, rng, budget=2_000)
    assert_partition(people, groups)
    assert repeats(groups, recent) == 0  # three earlier rounds leave plenty of new partners


def test_fewer_than_two_make_no_group() -> None:
    assert pair_up([]) == []
    assert pair_up(["@a:owl"]) == []
    assert pair_up(["@a:owl", "@a:owl"]) == []


def test_two_who_just_met_still_meet_when_nobody_else_is_there() -> None:
    people = ["@a:owl", "@b:owl"]
    assert pair_up(people, recent_pairs([people])) in ([("@a:owl", "@b:owl")],
                                                      [("@b:owl", "@a:owl")])


def test_four_people_get_new_partners_in_the_next_round() -> None:
    people = ["@a:owl", "@b:owl", "@c:owl", "@d:owl"]
    first = [("@a:owl", "@b:owl"), ("@c:owl", "@d:owl")]
    second = pair_up(people, recent_pairs(first), random.Random(1))
    assert {frozenset(g) for g in second}.isdisjoint({frozenset(g) for g in first})
