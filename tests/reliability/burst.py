"""The crash burst's script and its oracle: who reacts, who takes a reaction back, and what the
bot must have stored afterwards, computed from the homeserver's relations alone.

Pure logic, seeded: the same seed gives the same 500 steps and the same kill points, so a
failure can be replayed.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from matrixcowork.core.tracked import normalize_key

VS16 = "\ufe0f"
ONSITE, REMOTE = "\U0001F3E2", "\U0001F3E0"  # 🏢 🏠
CHECKIN_KEYS = (ONSITE, REMOTE, ONSITE + VS16, REMOTE + VS16, "\U0001F44D")  # and a 👍
RSVP_KEYS = ("\u2705", "\u2754", "\u274c", "\u2753")  # ✅ ❔ ❌ ❓
REDACT_SHARE = 0.3


@dataclass(frozen=True)
class Step:
    """One member's action: react to `post` with `key`, or take back the reaction of step
    `undoes`."""

    index: int
    user: int
    post: str
    key: str | None = None
    undoes: int | None = None


def plan(seed: int, steps: int, users: int, posts: dict[str, tuple[str, ...]]) -> list[Step]:
    """A random mix of reactions and redactions that the homeserver accepts: nobody repeats a
    reaction they still have (Synapse refuses that), only standing reactions are taken back."""
    rng = random.Random(seed)
    standing: dict[tuple[int, str, str], int] = {}
    made: list[Step] = []
    while len(made) < steps:
        index = len(made)
        if standing and rng.random() < REDACT_SHARE:
            (user, post, _key), target = rng.choice(sorted(standing.items()))
            del standing[(user, post, _key)]
            made.append(Step(index, user, post, undoes=target))
            continue
        user, post = rng.randrange(users), rng.choice(sorted(posts))
        free = [k for k in posts[post] if (user, post, k) not in standing]
        if free:
            key = rng.choice(free)
            standing[(user, post, key)] = index
            made.append(Step(index, user, post, key=key))
    return made


def kill_points(seed: int, steps: int, kills: int) -> list[int]:
    """Distinct step numbers, away from both ends of the burst, at least 40 steps apart."""
    rng = random.Random(seed * 7919)
    while True:
        points = sorted(rng.sample(range(40, steps - 40), kills))
        if all(b - a >= 40 for a, b in itertools.pairwise(points)):
            return points


def waves(steps: list[Step], cuts: Iterable[int], size: int) -> Iterator[list[Step]]:
    """Steps to send at the same time: nobody twice in a wave (a member's own steps stay in
    order), and a wave never spans a cut (a kill point)."""
    cut_at = set(cuts)
    wave: list[Step] = []
    for step in steps:
        if wave and (len(wave) >= size or step.index in cut_at
                     or any(s.user == step.user for s in wave)):
            yield wave
            wave = []
        wave.append(step)
    if wave:
        yield wave


@dataclass(frozen=True)
class Held:
    """A reaction as the homeserver holds it (or the bot stored it)."""

    reaction_id: str
    post: str
    user_id: str
    key: str  # normalised
    ts: int


def latest_modes(held: Iterable[Held], modes: dict[str, str]) -> dict[str, str]:
    """User -> check-in mode: of each user's keys (each at its first appearance), the latest
    one that means a mode; the same order the bot reads its rows in (time, then key)."""
    first: dict[tuple[str, str], int] = {}
    for h in held:
        mine = (h.user_id, normalize_key(h.key))
        first[mine] = min(h.ts, first.get(mine, h.ts))
    result: dict[str, str] = {}
    for (user, key), _ts in sorted(first.items(), key=lambda item: (item[1], item[0][1])):
        mode = modes.get(key)
        if mode:
            result[user] = mode
    return result
