"""A member's answer is their latest RSVP reaction still standing."""

from __future__ import annotations

from matrixcowork.core.tracked import Reaction
from matrixcowork.meetings.rsvp import answers, is_here, who


def test_latest_standing_reaction_wins_and_other_keys_do_not_count() -> None:
    reactions = [
        Reaction("@ben:x", "\u2705", 1), Reaction("@ben:x", "\u274c", 5),
        Reaction("@cem:x", "\u2753", 2), Reaction("@cem:x", "\U0001F44D", 9),
        Reaction("@dora:x", "\U0001F389", 3),
        Reaction("@anna:x", "\u2705\ufe0f", 4),
    ]

    found = answers(reactions)

    assert found == {"@ben:x": "no", "@cem:x": "maybe", "@anna:x": "yes"}
    assert who(found, "yes", "maybe") == ["@anna:x", "@cem:x"]
    assert answers(reactions[:1]) == {"@ben:x": "yes"}  # the ❌ taken back: ✅ stands again


def test_raised_hand_in_any_skin_tone_means_here() -> None:
    assert is_here("\u270b") and is_here("\u270b\U0001F3FD") and is_here("\u270b\ufe0f")
    assert not is_here("\U0001F44B")
