"""Messages and dates in the community's language.

Message ids are the English texts (gettext style) marked with `_()`; German lives in
`locales/de.po`, read with Babel at start. Values put into a message are escaped for Markdown
and HTML unless they are `Markup`, so member-typed text can never inject formatting or HTML.

`escape` is the one door member-typed text takes into a message: it comes out inline-only. Every
character Markdown or HTML would act on is escaped, each line is trimmed and blank lines go, so
the text can start no heading, list, quote, code block or paragraph: at most a line break. The
escapes are the ones Python-Markdown undoes (a `~` or `|` needs none and shows as typed); `=`
becomes a character reference, or a line of them would make the line above a heading.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from importlib import resources
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.pofile import read_po

LANGUAGES = ("de", "en")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")  # Python-Markdown's ESCAPED_CHARS
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def _(message: str) -> str:
    """Marks a message id for extraction; translation happens when it is rendered."""
    return message


class Markup(str):
    """Text that is already Markdown and must not be escaped again (mentions, links)."""


class Message(str):
    """A message id given as a value (an argument's name): translated when it is filled in."""


def escape(value: object) -> str:
    """Make member-typed text inert in Markdown and HTML: inline-only, at most a line break."""
    if isinstance(value, Markup):
        return value
    lines = (line.strip() for line in _LINE_BREAKS.sub("\n", str(value)).split("\n"))
    text = _CONTROLS.sub("", "\n".join(line for line in lines if line))
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return text.replace("=", "&#61;")


def one_line(value: object) -> str:
    """Member-typed text where a line break has no place (names, titles in plain text)."""
    text = _CONTROLS.sub(" ", _LINE_BREAKS.sub(" ", str(value)).replace("\n", " "))
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _load_catalog(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    with resources.files("matrixcowork.core.locales").joinpath(f"{language}.po").open("rb") as fh:
        catalog = read_po(fh, locale=language)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


class I18n:
    """Translator and formatter for one language and timezone."""

    def __init__(self, language: str, tz: ZoneInfo) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        self.language = language
        self.locale = Locale.parse(language)
        self.tz = tz
        self._catalog = _load_catalog(language)

    def t(self, message: str, /, **values: object) -> str:
        """Translate `message` and fill in escaped values."""
        text = self._catalog.get(message, message)
        if not values:
            return text
        return text.format(**{
            k: escape(self.t(v) if isinstance(v, Message) else v) for k, v in values.items()
        })

    def has(self, message: str) -> bool:
        return self.language == "en" or message in self._catalog

    def datetime(self, when: datetime) -> str:
        """E.g. "Di., 1. Dez. 2026, 18:00" or "Tue, Dec 1, 2026, 6:00 PM"."""
        local = when.astimezone(self.tz)
        return f"{self.date(local.date())}, {self.time(local)}"

    def date(self, day: date) -> str:
        return format_skeleton("yMMMEd", day, locale=self.locale)

    def time(self, when: datetime) -> str:
        return format_time(when.astimezone(self.tz), "short", locale=self.locale)

    def month(self, day: date) -> str:
        return format_date(day, "LLLL y", locale=self.locale)
