"""`!find`'s normal form and ranking: umlauts, ß, case, compounds, weights."""

from __future__ import annotations

import pytest

from matrixcowork.features.people.db import Profile
from matrixcowork.features.people.search import normalize, query_words, rank


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Müller", "mueller"),
        ("MÜLLER", "mueller"),
        ("mueller", "mueller"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Größe", "groesse"),
        ("Ärger", "aerger"),
        ("u\u0308ber", "ueber"),  # ü typed as u plus combining diaeresis
        ("Café", "cafe"),
    ],
)
def test_normal_form(typed: str, stored: str) -> None:
    assert normalize(typed) == stored


def test_query_words_are_distinct_and_long_enough() -> None:
    assert query_words("Python, python! a Müller mueller") == ["python", "mueller"]


def profile(user: str, **fields) -> Profile:
    return Profile(user_id=f"@{user}:owl", **fields)


JANA = profile("jana", intro="Ich bin Jana Müller, Tischlerin in Detmold.",
               skills=("Möbelbau", "CNC"))
OLE = profile("ole", intro="Webentwickler", skills=("Python", "Straßenbahn-Fan"),
              offer="Hilfe bei Django und Python")
PIA = profile("pia", intro="Ich mag Python nicht so sehr", offer="Buchhaltung")
NOBODY = profile("zed", seek="Python")  # looking for it is not offering it


@pytest.mark.parametrize("query", ["Müller", "mueller", "MÜLLER", "MUELLER"])
def test_every_spelling_of_a_name_finds_the_same_member(query: str) -> None:
    assert [m.profile.user_id for m in rank(query, [OLE, JANA, PIA])] == ["@jana:owl"]


@pytest.mark.parametrize("query", ["Straße", "strasse", "STRASSENBAHN"])
def test_sharp_s_matches_ss_inside_compounds(query: str) -> None:
    assert [m.profile.user_id for m in rank(query, [JANA, OLE, PIA])] == ["@ole:owl"]


def test_more_matched_words_first_then_skills_before_intro() -> None:
    found = rank("python django", [PIA, NOBODY, JANA, OLE])
    assert [m.profile.user_id for m in found] == ["@ole:owl", "@pia:owl"]
    assert (found[0].matched, found[1].matched) == (2, 1)
    only_python = rank("python", [PIA, OLE])
    assert [m.profile.user_id for m in only_python] == ["@ole:owl", "@pia:owl"]
    assert only_python[0].weight > only_python[1].weight


def test_nothing_matches_nothing() -> None:
    assert rank("Quantenphysik", [JANA, OLE, PIA]) == []
    assert rank("a", [JANA, OLE, PIA]) == []
