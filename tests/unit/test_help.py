"""`!help` by topic, and the usages in the message's language: every declared command of every
feature rendered in German, with no English argument name in it."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import matrixcowork
from matrixcowork.core.commands import ArgError, Command, CommandContext, CommandRouter
from matrixcowork.core.config import CommandRateConfig
from matrixcowork.core.content import message as message_content
from matrixcowork.core.help import Help, HelpTexts, usage
from matrixcowork.core.i18n import I18n
from matrixcowork.core.permissions import Access
from matrixcowork.features.catalog import FEATURES
from tests.unit.test_i18n import marked_messages

TZ = ZoneInfo("Europe/Berlin")
DE = I18n("de", TZ)
LITERALS = {"poll", "HH", "MM"}
"""Typed as they are in every language: `!webinar schedule 3 poll`, the time's format."""
PLACEHOLDER = re.compile(r"<([^<>]+)>|\[([^\[\]]+)\]")
PACKAGE = Path(matrixcowork.__file__).parent


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


def english_only_words() -> set[str]:
    """Argument names whose German differs (`user`/`Nutzer`; not `text`/`Text`), lower case:
    a German text showing one of them, in any case (`<User>`, `[month]`), shows English."""
    return {word for word in english_words() if DE.t(word).lower() != word.lower()}


def german_placeholders_in_english(text: str) -> set[str]:
    inside = " ".join(a or b for a, b in PLACEHOLDER.findall(text)).lower()
    return set(re.findall(r"\w+", inside)) & english_only_words()


def test_no_german_message_shows_an_english_placeholder() -> None:
    """Every message of the catalog as a German answer shows it, e.g. a usage in a message
    (`[Monat]`, never `[month]` or `<User>`)."""
    assert german_placeholders_in_english("So geht's: !stats [Month] <user>") == {
        "month", "user"}
    german = {message: DE.t(message) for message in marked_messages()}
    assert {m: text for m, text in german.items() if german_placeholders_in_english(text)} == {}


def source_strings() -> list[tuple[str, int, str]]:
    """The string literals of the package that are neither docstrings nor marked messages
    (those are translated, and checked above): where a hint typed by hand would be."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Expr):  # a docstring, of a module, class, function or value
                skip.add(id(node.value))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                    node.func.id == "_"):
                skip.update(id(arg) for arg in node.args)
        found += [(str(path.relative_to(PACKAGE)), node.lineno, node.value)
                  for node in ast.walk(tree) if isinstance(node, ast.Constant)
                  and isinstance(node.value, str) and id(node) not in skip]
    return found


TYPED = re.compile(r"<([A-Za-z][\w .]*)>|\[([A-Za-z][\w .]*)\]")
"""A placeholder as a hint shows it; not a regular expression's `(?P<text>` or `[^`\\n]`."""
HTML = re.compile(r"</|<(?:head|meta|p|li|ul|h\d)\b")


def typed_placeholders(text: str) -> set[str]:
    if HTML.search(text):  # the public page's markup: `<title>` is a tag there
        return set()
    inside = " ".join(a or b for a, b in TYPED.findall(re.sub(r"\?P<\w+>", "", text)))
    return set(re.findall(r"\w+", inside.lower())) & english_words()


def test_no_hint_in_the_code_has_a_placeholder_typed_by_hand() -> None:
    """`!done <n>` written into a text shows English in a German answer: hints are built by
    `help.usage` from the declaration."""
    assert typed_placeholders("done <n>") == {"n"} and typed_placeholders("!stats [Month]")
    assert typed_placeholders(r"(?P<text>[^`\n]+)") == set()
    typed = [(path, line, text) for path, line, text in source_strings()
             if typed_placeholders(text)]
    assert typed == []


def test_every_hint_is_a_declared_command_in_german() -> None:
    """Each `usage("name", ...)` in the package names a declared command, and reads German."""
    calls = re.findall(r"\busage\(\"([a-z ]+)\"", "\n".join(
        path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")))
    assert {"feedback", "ask", "done", "note", "agenda remove", "webinar cancel"} <= set(calls)
    for name in set(calls):
        for filled in (False, True):
            hint = usage(name, "!", DE.t, filled=filled)
            assert english_placeholders(hint) == set() and not german_placeholders_in_english(
                hint), hint
    assert usage("done", "!", DE.t) == "`!done <Nr.>`"
    assert usage("feedback", "!", DE.t, filled=True) == "`!feedback <Text>`"
    assert usage("feedback", "!", DE.t) == "`!feedback [Text]`"
