"""`!help` by topic, and the usages in the message's language: every declared command of every
feature rendered in German, with no English argument name in it."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from matrixcowork.core.commands import ArgError, Command, CommandContext, CommandRouter
from matrixcowork.core.config import CommandRateConfig
from matrixcowork.core.content import message as message_content
from matrixcowork.core.help import Help, HelpTexts
from matrixcowork.core.i18n import I18n
from matrixcowork.core.permissions import Access
from matrixcowork.features.catalog import FEATURES

TZ = ZoneInfo("Europe/Berlin")
DE = I18n("de", TZ)
LITERALS = {"poll", "HH", "MM"}
"""Typed as they are in every language: `!webinar schedule 3 poll`, the time's format."""
PLACEHOLDER = re.compile(r"<([^<>]+)>|\[([^\[\]]+)\]")


def declared() -> list[Command]:
    found = [cmd for owner in (*FEATURES, Help) for attr in dir(owner)
             if isinstance(cmd := getattr(getattr(owner, attr), "__command__", None), Command)]
    assert len(found) > 40
    return sorted(found, key=lambda cmd: cmd.name)


def english_words() -> set[str]:
    words = {w for cmd in declared() for arg in cmd.args for w in re.findall(r"\w+", arg.name)}
    assert {"user", "month", "note", "words", "text", "skills"} <= words
    return words - LITERALS


def english_placeholders(text: str) -> set[str]:
    """Words inside `<…>` and `[…]` that are English argument names (German nouns are
    capitalised: `<Text>` is German, `<text>` is not)."""
    inside = " ".join(a or b for a, b in PLACEHOLDER.findall(text))
    return set(re.findall(r"\w+", inside)) & english_words()


def test_every_usage_and_help_in_german_has_no_english_placeholder() -> None:
    texts = HelpTexts(DE, "!")
    commands = declared()
    everything = [texts.overview(commands), *(texts.details(t, commands) for t in (
        "checkin", "treffen", "webinare", "leute", "coworking", "orga"))]
    for cmd in commands:
        usage = cmd.usage("!", DE.t)
        assert english_placeholders(usage) == set(), usage
        assert english_placeholders(texts.entry(cmd)) == set(), cmd.name
        assert english_placeholders(texts.details(cmd.name, commands)) == set(), cmd.name
    for text in everything:
        assert english_placeholders(text) == set(), text


def test_english_placeholders_are_found() -> None:
    """The check above would notice: an untranslated usage is caught."""
    whois = next(cmd for cmd in declared() if cmd.name == "whois")
    assert english_placeholders(whois.usage("!")) == {"user"}
    assert whois.usage("!", DE.t) == "!whois <Nutzer>"


def test_a_missing_argument_is_named_in_german() -> None:
    config = type("C", (), {"command_prefix": "!", "command_rate_limit": CommandRateConfig()})
    services = type("S", (), {"config": config, "i18n": DE})
    router = CommandRouter(services)  # type: ignore[arg-type]
    router.register_all(declared())
    cmd, rest = router._match("whois")
    ctx = CommandContext(services, "!room", "@a:b", "$e", Access.MEMBER)  # type: ignore[arg-type]
    with pytest.raises(ArgError) as err:
        router._convert(cmd, rest, ctx)
    assert DE.t(err.value.message, **err.value.values) == "Da fehlt noch etwas: Nutzer."


def test_overview_is_one_line_per_topic_for_a_phone() -> None:
    commands = [cmd for cmd in declared() if cmd.access <= Access.MEMBER and cmd.name != "help"]
    overview = message_content(HelpTexts(DE, "!").overview(commands))["body"]
    lines = overview.splitlines()
    assert lines[0] == "Das kannst du hier tun:"
    topics = [line for line in lines if line.startswith("- ")]
    assert [line.split()[2].rstrip(":") for line in topics] == [
        "Check-in", "Treffen", "Webinare", "Leute", "Coworking"]
    assert "- 👋 Leute: !find !intro !profile … !welcome !whois" in lines
    assert "Orga" not in overview and "sync announce" not in overview
    assert len(lines) == 9 and len(overview) < 500


def test_topic_and_command_details_with_examples() -> None:
    texts = HelpTexts(DE, "!")
    commands = declared()
    people = texts.details("leute", commands)
    assert people.startswith("👋 **Leute**")
    assert "- `!whois <Nutzer>` – " in people and "`!whois @anna:example.org`" in people
    assert texts.details("People", commands) == people  # the topic's key works in any language
    profile = texts.details("!profile", commands)
    assert "`!profile skills <Fähigkeiten>`" in profile and "`!whois" not in profile
    assert "Sync verschieben" in texts.details("orga", commands)
    unknown = texts.details("kuchen", commands)
    assert unknown.startswith("Ein Thema oder einen Befehl „kuchen“ kenne ich nicht.")


def test_someone_who_may_use_nothing_is_told_whom_to_ask() -> None:
    assert HelpTexts(DE, "!").overview([]) == (
        "Hier gibt es für dich noch nichts. Bitte das Orga-Team, dich in die Community "
        "einzuladen.")
