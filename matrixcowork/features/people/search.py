"""`!find`: which members' skills, offers or introductions match some words, best first.

Text is compared in a normal form: case folded, umlauts written out (ä→ae, ö→oe, ü→ue, and
ß→ss by case folding) and other accents dropped, so "Müller", "mueller" and "MÜLLER" are the
same word, and "Straße" is "strasse". A query word matches a field when it occurs inside one of
the field's words ("design" finds "Webdesign": German loves compounds). Members are ranked by
how many of the query's words they match, then by where: a skill weighs most, then an offer,
then the introduction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .db import Profile

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_WORD = re.compile(r"\w+")
MIN_WORD = 2
WEIGHTS = {"skills": 3, "offer": 2, "intro": 1}


def normalize(text: str) -> str:
    """Case folded, umlauts written out, other accents removed."""
    folded = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


def query_words(query: str) -> list[str]:
    """The distinct words worth searching for, in the order typed."""
    return list(dict.fromkeys(w for w in words(query) if len(w) >= MIN_WORD))


@dataclass(frozen=True)
class Match:
    profile: Profile
    matched: int  # how many query words it matched
    weight: int  # summed weight of the best field each matched word was found in


def _fields(profile: Profile) -> dict[str, list[str]]:
    return {
        "skills": words(" ".join(profile.skills)),
        "offer": words(profile.offer),
        "intro": words(profile.intro),
    }


def score(profile: Profile, wanted: list[str]) -> Match:
    fields = _fields(profile)
    matched = weight = 0
    for word in wanted:
        found = [WEIGHTS[name] for name, field in fields.items()
                 if any(word in token for token in field)]
        if found:
            matched += 1
            weight += max(found)
    return Match(profile, matched, weight)


def rank(query: str, profiles: Iterable[Profile], limit: int = 10) -> list[Match]:
    """The best matches first; members who match nothing are left out."""
    wanted = query_words(query)
    if not wanted:
        return []
    matches = [m for m in (score(p, wanted) for p in profiles) if m.matched]
    matches.sort(key=lambda m: (-m.matched, -m.weight, m.profile.user_id))
    return matches[:limit]
