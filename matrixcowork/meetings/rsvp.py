"""RSVP and attendance from reactions: ✅ coming, ❔ maybe, ❌ not coming, ✋ I am here.

A member's answer is their latest RSVP reaction still standing, so changing one's mind is a
new reaction and taking a reaction back falls back to the one before (or to no answer).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.tracked import Reaction, normalize_key

YES, MAYBE, NO = "yes", "maybe", "no"
ANSWERS = (YES, MAYBE, NO)
KEYS = {"\u2705": YES, "\u2754": MAYBE, "\u2753": MAYBE, "\u274c": NO}  # ✅ ❔ ❓ ❌
OFFERED = ("\u2705", "\u2754", "\u274c")
HERE = "\u270b"  # ✋ (any skin tone)


def answers(reactions: Iterable[Reaction]) -> dict[str, str]:
    """User id -> yes / maybe / no, from their latest RSVP reaction."""
    latest: dict[str, tuple[int, str]] = {}
    for reaction in reactions:
        answer = KEYS.get(normalize_key(reaction.key))
        if answer and reaction.ts >= latest.get(reaction.user_id, (-1, ""))[0]:
            latest[reaction.user_id] = (reaction.ts, answer)
    return {user: answer for user, (_, answer) in latest.items()}


def who(answers_by_user: dict[str, str], *wanted: str) -> list[str]:
    """The users with one of these answers, sorted."""
    return sorted(user for user, answer in answers_by_user.items() if answer in wanted)


def is_here(key: str) -> bool:
    return normalize_key(key).startswith(HERE)
