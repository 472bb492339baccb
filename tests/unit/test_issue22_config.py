"""The digest, prompts and quiet sections: a broken key is one line naming it."""

from __future__ import annotations

import pytest

from matrixcowork.core.config import ConfigError, parse_config

from .test_config import VALID, with_

ROOMS = {"rooms": [{"key": "general", "name": "Allgemein", "alias": "owl-general"}]}
BROKEN = [
    ({"digest": {}}, "digest.room: required key is missing"),
    ({"digest": {"room": "nowhere"}}, "digest.room: unknown room key 'nowhere'"),
    ({"digest": {"room": "general", "weekday": "monday"}}, "digest.weekday:"),
    ({"digest": {"room": "general", "time": "8 Uhr"}}, "digest.time:"),
    ({"digest": {"room": "general", "ahead_days": 0}}, "digest.ahead_days:"),
    ({"prompts": {"room": "general", "backoff_after": 0}}, "prompts.backoff_after:"),
    ({"prompts": {"room": "general", "questions": {"fr": ["Quoi?"]}}},
     "prompts.questions.fr.[key]: Input should be 'de' or 'en'"),
    ({"prompts": {"room": "general", "questions": {"de": []}}},
     "prompts.questions: no questions for 'de'"),
    ({"prompts": {"room": "general", "questions": {"de": ["Wie?", "Wie?"]}}},
     "prompts.questions: a question for 'de' is listed twice"),
    ({"prompts": {"room": "general", "review_room": "orga"}},
     "prompts.review_room: unknown room key 'orga'"),
    ({"quiet": {"room": "general", "quiet_weeks": 0}}, "quiet.quiet_weeks:"),
    ({"quiet": {"room": "general", "mood": "sad"}}, "quiet.mood: unknown key"),
    ({"quiet": {}}, "quiet.room: name the organizers' room for the monthly list"),
]


@pytest.mark.parametrize(("section", "expected"), BROKEN)
def test_broken_sections_name_key_and_problem(section, expected) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(with_(**ROOMS, **section), "config.yaml", environ={})
    message = str(err.value)
    assert expected in message and "\n" not in message, message


def test_defaults() -> None:
    config = parse_config(with_(**ROOMS, digest={"room": "general"}, prompts={"room": "general"},
                                quiet={"room": "general"}), "config.yaml", environ={})
    assert config.digest and (config.digest.weekday, str(config.digest.time)) == ("mon", "08:00:00")
    assert config.prompts and config.prompts.backoff_after == 3 and config.prompts.questions is None
    assert config.quiet and config.quiet.quiet_weeks == 4
    orga = {"rooms": [*ROOMS["rooms"], {"key": "orga", "name": "Orga", "alias": "owl-orga",
                                         "access": "organizers"}],
            "space": {"name": "S", "alias": "owl-space", "organizer_room": "orga"}}
    quiet = parse_config(with_(**orga, quiet={}), "config.yaml", environ={})
    assert quiet.quiet and quiet.quiet.list_room(quiet) == "orga"
    assert parse_config(VALID, "config.yaml", environ={}).digest is None  # off unless asked
