"""`fit_parts`: a meeting's post with the parts features add (agenda, minutes, questions,
updates) fits the homeserver's size limit however much was typed, each list cut to the same
number of lines with how many more."""

from __future__ import annotations

from matrixcowork.core.limits import Listing, text_fits
from matrixcowork.meetings.posts import fit_parts


def listing(name: str, count: int, width: int = 300) -> Listing:
    return Listing(f"**{name}**", [f"{n}\\. " + "&" * width for n in range(1, count + 1)],
                   lambda left: f"… and {left} more ({name})")


def around(text: str) -> str:
    return "✅ **Monthly sync** is over.\n\n" + text


def test_small_parts_are_shown_whole() -> None:
    text = fit_parts(around, [listing("Agenda", 3, 10), "", "Feedback: ⭐ 4.0",
                              listing("Minutes", 2, 10)])
    assert text.count("&") == 50 and "more" not in text and "Feedback: ⭐ 4.0" in text


def test_griefer_sized_parts_are_cut_to_fit_with_how_many_more() -> None:
    parts = [listing("Agenda", 60), listing("Minutes", 200), listing("Questions", 60)]
    text = fit_parts(around, parts)
    assert text_fits(text, edited=True)
    shown = text.count("\\. ")
    assert 3 <= shown < 320
    assert "more (Minutes)" in text and "more (Agenda)" in text and "more (Questions)" in text


def test_one_part_alone_is_fit_as_before() -> None:
    text = fit_parts(around, [listing("Agenda", 500)], edited=False)
    assert text_fits(text, edited=False) and "more (Agenda)" in text
