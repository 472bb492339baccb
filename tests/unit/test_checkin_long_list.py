"""A whole region checked in: `!who` and the check-in post list the people that fit in one
event, taken from each place in turn, and say how many more each place has; only those shown
are named."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from matrixcowork.core import content, limits
from matrixcowork.core.config import parse_config
from matrixcowork.core.i18n import I18n
from matrixcowork.features.checkin.config import DEFAULT_ONSITE_EMOJI as ONSITE_EMOJI
from matrixcowork.features.checkin.config import DEFAULT_REMOTE_EMOJI as REMOTE_EMOJI
from matrixcowork.features.checkin.db import Attendance, Plan
from matrixcowork.features.checkin.texts import CheckinTexts

DAY = date(2026, 11, 30)
MEMBERS = 2000
PLANNERS = 300


def texts(language: str, named: list[str]) -> CheckinTexts:
    config = parse_config({
        "homeserver": "http://127.0.0.1:1", "user_id": "@bot:localhost", "password": "-",
        "admins": ["@orga:localhost"], "data_dir": "/nonexistent", "language": language,
        "checkin": {"room": "coworking"},
        "rooms": [{"key": "coworking", "name": "Coworking", "alias": "coworking"}],
    }, "test", environ={})
    assert config.checkin is not None

    def name_of(user_id: str) -> str:
        named.append(user_id)
        return f"Mitglied {user_id[7:11]} (OWL) & Söhne"

    return CheckinTexts(I18n(language, ZoneInfo("Europe/Berlin")), config.checkin, "!", name_of)


def rows() -> list[Attendance]:
    return [Attendance(DAY, f"@member{i:04d}:localhost", ("onsite", "remote")[i % 2], i,
                       "reaction", "Angebot & <Rechnung>" if i % 4 == 0 else None)
            for i in range(MEMBERS)]


def plans() -> list[Plan]:
    return [Plan(f"@planner{i:04d}:localhost", DAY, "onsite") for i in range(PLANNERS)]


def shown(text: str, line_start: str) -> tuple[int, int]:
    """The mentions on the line starting so, and the number of its "more"."""
    line = next(line for line in text.split("\n") if line.startswith(line_start))
    more = re.search(r"(?:and|und) ([\d.,]+) (?:more|weitere)$", line)
    assert more, line
    return line.count("https://matrix.to/#/"), int(re.sub(r"\D", "", more.group(1)))


@pytest.mark.parametrize(("kind", "language"), [("who", "de"), ("post", "en")])
def test_two_thousand_names_fit_and_say_how_many_more(kind: str, language: str) -> None:
    named: list[str] = []
    checkin = texts(language, named)
    text = getattr(checkin, kind)(DAY, rows(), plans())
    edited = kind == "post"

    assert limits.text_fits(text, edited=edited)  # as an edit in an encrypted room, too
    sent = content.message(text)
    assert limits.within(content.stated(sent), encrypted=True) is not None
    assert "formatted_body" in limits.within(content.stated(sent), encrypted=True)  # not cut
    assert not limits.text_fits(  # and hardly anyone more would have fitted
        text + ", " + str(checkin._person(rows()[-1])) * 3, edited=edited)

    onsite, onsite_more = shown(text, ONSITE_EMOJI)
    remote, remote_more = shown(text, REMOTE_EMOJI)
    planned, planned_more = shown(text, "\U0001F5D3")
    assert onsite + onsite_more == remote + remote_more == MEMBERS // 2
    assert planned + planned_more == PLANNERS
    assert {onsite, remote, planned} <= {onsite, onsite - 1}  # each place in turn
    assert onsite > 40
    assert f"({MEMBERS // 2})" in text  # the count of each place stays whole
    # named: those shown and the few read to find where the list ends, not 2,300
    assert onsite + remote + planned <= len(named) <= onsite + remote + planned + 3


def test_a_list_that_fits_is_whole() -> None:
    named: list[str] = []
    text = texts("en", named).who(DAY, rows()[:40])
    assert text.count("https://matrix.to/#/") == 40
    assert "more" not in text


def test_fit_with_pieces_takes_as_many_as_the_search_would() -> None:
    lines = [f"{i}\\. " + " ".join(["Punkt mit Umlauten äöü & mehr"] * (i % 7 + 1))
             for i in range(3000)]
    listing = limits.Listing("**Agenda**", lines, lambda left: f"… and {left} more")
    quick = limits.fit_around(lambda part: part, listing)
    searched = limits.fit(lambda n: listing.render(n), len(lines))
    assert limits.text_fits(quick)
    assert 0 <= searched.count("\n") - quick.count("\n") <= 1
