"""How the welcome conversation reads an answer, and which questions it asks: tables."""

from __future__ import annotations

import pytest

from matrixcowork.core.config import ConfigError, parse_config
from matrixcowork.features.welcome.questions import (
    ORDER,
    PROFILE_FIELDS,
    coffee_answer,
    control,
    position,
    questions,
)

EVERYTHING = PROFILE_FIELDS | {"coffee", "updates"}


@pytest.mark.parametrize(("body", "word"), [
    ("skip", "skip"), ("Skip.", "skip"), ("  überspringen ", "skip"), ("ÜBERSPRINGEN!", "skip"),
    ("back", "back"), ("Zurück", "back"), ("stop", "stop"), ("Stopp!", "stop"),
    ("skip this one", None), ("Ich stoppe Zeit", None), ("", None),
])
def test_control_words_in_both_languages(body: str, word: str | None) -> None:
    assert control(body) == word


@pytest.mark.parametrize(("body", "yes"), [
    ("✅", True), ("✅\ufe0f", True), ("ja", True), ("Yes!", True), ("❌", False),
    ("nein", False), ("No.", False), ("vielleicht", None), ("✅❌", None),
])
def test_coffee_answers(body: str, yes: bool | None) -> None:
    assert coffee_answer(body) is yes


def test_questions_switched_off_reworded_or_not_kept_by_any_feature() -> None:
    assert [q.key for q in questions({}, EVERYTHING)] == list(ORDER)
    asked = questions({"seek": False, "intro": "Was machst du so?"}, EVERYTHING)
    assert [q.key for q in asked] == ["intro", "skills", "offer", "place", "coffee", "updates"]
    assert asked[0].text == "Was machst du so?" and asked[0].own
    assert not asked[1].own
    assert [q.key for q in questions({}, PROFILE_FIELDS)] == list(ORDER[:-2])  # no coffee
    assert [q.key for q in questions({}, PROFILE_FIELDS | {"updates"})][-2:] == [
        "place", "updates"]  # no coffee roulette, but the update round
    assert questions({}, frozenset()) == []


def test_position_goes_on_with_the_next_question_when_one_was_switched_off() -> None:
    keys = ["intro", "skills", "place", "coffee"]
    assert position(keys, "skills") == 1
    assert position(keys, "offer") == 2  # switched off since: the next one
    assert position(["intro"], "coffee") == 1  # past the end: finished
    assert position(keys, "unknown") == len(keys)


@pytest.mark.parametrize(("welcome", "key"), [
    ({"questions": {"hobby": "Was machst du gern?"}}, "welcome.questions"),
    ({"questions": {"seek": True}}, "welcome.questions: seek"),
    ({"questions": {"seek": " "}}, "welcome.questions: seek"),
    ({"reminder_days": 0}, "welcome.reminder_days"),
])
def test_a_bad_welcome_section_names_its_key(welcome: dict, key: str) -> None:
    raw = {"homeserver": "http://127.0.0.1:1", "user_id": "@bot:localhost", "password": "x",
           "admins": ["@anna:localhost"], "welcome": welcome}
    with pytest.raises(ConfigError) as error:
        parse_config(raw, "config.yaml", environ={})
    assert f"config.yaml: {key}" in str(error.value)
