"""The welcome questions and how an answer is read: pure functions, tested as tables.

One question at a time, in a fixed order; each answer is one message. "skip" skips, "back" goes
back, "stop" ends (in English and German, whatever the community's language), and the coffee
and update round questions take ✅/❌ or yes/no.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ...core.emoji import normalize_key
from ...core.i18n import _

ORDER = ("intro", "skills", "offer", "seek", "place", "coffee", "updates")
PROFILE_FIELDS = frozenset({"intro", "skills", "offer", "seek", "place"})
ASK = {
    "intro": _("What do you do? A sentence or two, as you would tell it over a coffee."),
    "skills": _("What are your skills? Separate them with commas, like: Python, Buchhaltung, "
                "Fotografie."),
    "offer": _("Where could you help others in the community?"),
    "seek": _("What are you looking for: people, projects, help?"),
    "place": _("Do you work on site (at which location?) or remotely?"),
    "coffee": _("Would you like to join the coffee roulette, a video coffee with a random "
                "member every few weeks? Answer ✅ or ❌."),
    "updates": _("Before each monthly sync I can ask you three short questions (what moved, "
                 "where you need help, what you can offer), so you take part even if you "
                 "cannot come. Would you like that? Answer ✅ or ❌."),
}
CONTROLS = {
    "skip": "skip", "überspringen": "skip", "ueberspringen": "skip",
    "back": "back", "zurück": "back", "zurueck": "back",
    "stop": "stop", "stopp": "stop",
}
YES = frozenset({"✅", "✔", "☑", "👍", "yes", "y", "ja", "j", "gern", "gerne", "ok"})
NO = frozenset({"❌", "✖", "👎", "no", "n", "nein", "nö", "noe"})


@dataclass(frozen=True)
class Question:
    key: str
    text: str  # a message id (translated when asked) or the community's own wording
    own: bool  # worded in the config: asked as written


def questions(configured: Mapping[str, object], available: frozenset[str]) -> list[Question]:
    """The questions to ask, in order: not switched off, and only those a feature can keep."""
    chosen = []
    for key in ORDER:
        wording = configured.get(key)
        if wording is False or key not in available:
            continue
        own = isinstance(wording, str)
        chosen.append(Question(key, wording if own else ASK[key], own))  # type: ignore[arg-type]
    return chosen


def _word(body: str) -> str:
    return normalize_key(body).strip().strip(".!?").strip().casefold()


def control(body: str) -> str | None:
    """`skip`, `back` or `stop` when the whole message is one of those words."""
    return CONTROLS.get(_word(body))


def coffee_answer(body: str) -> bool | None:
    """✅/yes/ja is True, ❌/no/nein False, anything else None (asked again)."""
    word = _word(body)
    if word in YES:
        return True
    if word in NO:
        return False
    return None


def position(keys: Sequence[str], at: str) -> int:
    """Where the conversation stands; a question switched off since goes on with the next."""
    if at in keys:
        return list(keys).index(at)
    later = [i for i, key in enumerate(keys) if ORDER.index(key) > ORDER.index(at)] \
        if at in ORDER else []
    return later[0] if later else len(keys)
