"""The `updates` section: on by default with the sync, the example, one-line errors; and how
an answer in a direct chat is split into the three answers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from matrixcowork.core.config import ConfigError, load_config
from matrixcowork.features.updates import split_answers

from .test_sync_config import config_with


def test_defaults_three_days_and_a_reminder_the_day_before() -> None:
    config = config_with(sync={})
    assert config.updates.update_before == timedelta(days=3)
    assert config.updates.remind_before == timedelta(days=1)


def test_the_example_documents_every_key() -> None:
    example = Path(__file__).parents[2] / "config.example.yaml"
    config = load_config(example, environ={"MATRIXCOWORK_PASSWORD": "x"})
    assert config.updates.update_before == timedelta(days=3)
    text = example.read_text()
    assert "\nupdates:\n  # " in text
    for key in ("update_before", "remind_before"):
        assert f"\n  {key}:" in text, key


@pytest.mark.parametrize(("section", "message"), [
    ({"remind_before": "3d"}, "updates: remind_before must be shorter than update_before"),
    ({"update_before": "soon"}, "updates.update_before: 'soon' is not a duration"),
    ({"every": "1d"}, "updates.every: unknown key"),
])
def test_mistakes_are_one_line_naming_the_key(section, message) -> None:
    with pytest.raises(ConfigError) as caught:
        config_with(sync={}, updates=section)
    assert str(caught.value).startswith("config.yaml: " + message), caught.value
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("Website online\nSEO\nFotos", ["Website online", "SEO", "Fotos"]),
    ("1. Website\n2) -\n3. Fotos", ["Website", "", "Fotos"]),
    ("Website | - | Fotos", ["Website", "", "Fotos"]),
    ("Just one thing", ["Just one thing"]),
    ("two\nlines", ["two lines"]),
    ("a\nb\nc\nd", ["a b c d"]),
])
def test_answers_in_one_message(text, expected) -> None:
    assert split_answers(text) == expected
