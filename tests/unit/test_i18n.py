"""Every message the code marks has a German translation with the same placeholders."""

from __future__ import annotations

import string
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.messages.extract import extract_from_dir

import matrixcowork
from matrixcowork.core.i18n import I18n, Markup, escape

PACKAGE = Path(matrixcowork.__file__).parent


def marked_messages() -> set[str]:
    found = extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords={"_": None, "t": None}
    )
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_marked_message_has_german_with_same_placeholders() -> None:
    de = I18n("de", ZoneInfo("Europe/Berlin"))
    messages = marked_messages()
    assert len(messages) > 10
    missing = sorted(m for m in messages if not de.has(m))
    assert missing == []
    for message in messages:
        assert placeholders(de.t(message)) == placeholders(message), message


def test_values_are_escaped_but_markup_is_not() -> None:
    en = I18n("en", ZoneInfo("Europe/Berlin"))
    assert escape("<b>*hi*</b>") == "&lt;b&gt;\\*hi\\*&lt;/b&gt;"
    assert en.t("Usage: {usage}", usage=Markup("**x**")) == "Usage: **x**"


def test_dates_in_both_languages() -> None:
    tz = ZoneInfo("Europe/Berlin")
    when = datetime(2026, 12, 1, 18, 0, tzinfo=tz)
    assert I18n("de", tz).datetime(when) == "Di., 1. Dez. 2026, 18:00"
    assert I18n("en", tz).datetime(when) == "Tue, Dec 1, 2026, 6:00\u202fPM"
