"""The crash burst's script and oracle on their own: the plan is one the homeserver accepts, the
waves keep each member's steps in order, and the oracle reads modes as the bot does."""

from __future__ import annotations

import itertools

from tests.reliability.burst import (
    CHECKIN_KEYS,
    ONSITE,
    REMOTE,
    RSVP_KEYS,
    VS16,
    Held,
    kill_points,
    latest_modes,
    plan,
    waves,
)

POSTS = {"checkin": CHECKIN_KEYS, "rsvp": RSVP_KEYS}


def test_plan_never_repeats_a_standing_reaction_and_undoes_only_standing_ones() -> None:
    steps = plan(7, 2000, 50, POSTS)
    standing: set[int] = set()
    held: set[tuple[int, str, str]] = set()
    for step in steps:
        if step.key is None:
            target = steps[step.undoes]
            assert step.undoes in standing and target.user == step.user
            standing.remove(step.undoes)
            held.remove((target.user, target.post, target.key))
        else:
            assert (step.user, step.post, step.key) not in held
            standing.add(step.index)
            held.add((step.user, step.post, step.key))
    assert plan(7, 2000, 50, POSTS) == steps  # seeded: replayable
    assert 0.2 < sum(s.key is None for s in steps) / len(steps) < 0.5


def test_waves_keep_members_in_order_and_stop_at_kill_points() -> None:
    steps = plan(7, 500, 50, POSTS)
    kills = kill_points(7, 500, 3)
    cut = list(waves(steps, kills, 8))
    assert [s for wave in cut for s in wave] == steps
    assert all(len({s.user for s in wave}) == len(wave) <= 8 for wave in cut)
    assert {wave[0].index for wave in cut} >= set(kills)
    assert len(kills) == 3 and all(b - a >= 40 for a, b in itertools.pairwise(kills))


def test_latest_mode_counts_each_key_from_its_first_appearance() -> None:
    held = [
        Held("$1", "p", "@a:x", ONSITE, 100), Held("$2", "p", "@a:x", REMOTE, 200),
        Held("$3", "p", "@a:x", ONSITE + VS16, 300),  # the same key again: not newer
        Held("$4", "p", "@b:x", "\U0001F44D", 100),  # 👍 is no mode
        Held("$5", "p", "@c:x", REMOTE, 50), Held("$6", "p", "@c:x", ONSITE, 60),
    ]
    modes = {ONSITE: "onsite", REMOTE: "remote"}
    assert latest_modes(held, modes) == {"@a:x": "remote", "@c:x": "onsite"}
