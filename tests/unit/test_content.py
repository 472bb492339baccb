"""The one content builder: every event says whom it mentions, and member-typed text stays
text (inline only, at most a line break) in the HTML, the plain body and link targets alike."""

from __future__ import annotations

import pytest

from matrixcowork.core import content
from matrixcowork.core.formatting import link, mention
from matrixcowork.core.i18n import escape


def rendered(typed: str) -> tuple[str, str]:
    """(HTML, plain body) of a card whose second block is member-typed."""
    built = content.message("👋 **Ben**\n\n" + escape(typed) + "\n\n**Skills:** x")
    return built["formatted_body"], built["body"]


@pytest.mark.parametrize("typed", [
    "Hallo\n# Überschrift\n```\ncode\n```\n<b>roh</b>",
    "Titel\n===\nText",
    "Titel\n---",
    "eins\n\n    eingerückter Code",
    "\tTab-Code",
    "- Liste\n* Liste\n+ Liste\n1. Liste\n> Zitat\n***",
    "<div>block</div>\n<script>x</script>",
])
def test_member_text_renders_inline_only(typed: str) -> None:
    html, body = rendered(typed)
    inner = html.split("<p>")[2].split("</p>")[0]  # the member's block
    for tag in ("<h", "<pre", "<code", "<ul", "<ol", "<li", "<blockquote", "<hr", "<b>",
                "<div", "<script", "<em", "<strong", "<p"):
        assert tag not in inner, (typed, html)
    assert html.count("<p>") == 3  # one paragraph: blank lines do not start another
    lines = [line.strip() for line in typed.split("\n") if line.strip()]
    assert body == "👋 Ben\n\n" + "\n".join(lines) + "\n\nSkills: x"


@pytest.mark.parametrize("typed", [r"a \~ b \| c", "~~nicht durch~~ | Tabelle |",
                                   r"C:\Users\ben", "a = b == c", "a & b <3 &amp;"])
def test_member_text_shows_as_typed(typed: str) -> None:
    _html, body = rendered(typed)
    assert body.split("\n\n")[1] == typed


def test_controls_and_odd_line_breaks_go() -> None:
    _html, body = rendered("a\r\nb\u2028c\x00d\x1b[31m")
    assert body.split("\n\n")[1] == "a\nb\ncd[31m"


def test_link_targets_are_encoded() -> None:
    pill = mention("@a):x\"><img src=y>:evil.example", "Ben")
    html = content.message(f"Hi {pill}")["formatted_body"]
    assert html.count("<a ") == 1 and "<img" not in html
    assert 'href="https://matrix.to/#/@a%29:x%22%3E%3Cimg%20src%3Dy%3E:evil.example"' in html
    away = content.message(link("https://x.example/a b>c", "x"))["formatted_body"]
    assert 'href="https://x.example/a%20b%3Ec"' in away


def test_a_name_in_a_pill_is_one_line() -> None:
    html = content.message(mention("@b:x", "Ben\n# Boss"))["formatted_body"]
    assert ">Ben # Boss</a>" in html


def test_every_message_and_edit_says_whom_it_mentions() -> None:
    assert content.message("@room hi")["m.mentions"] == {}
    assert content.message("hi", mentioned=["@b:x", "@a:x", "@a:x"])["m.mentions"] == {
        "user_ids": ["@a:x", "@b:x"]}
    edit = content.edit("$post", "@room neu")
    assert edit["m.mentions"] == {} and edit["m.new_content"]["m.mentions"] == {}
    assert edit["body"] == "* @room neu" and edit["m.new_content"]["body"] == "@room neu"
    assert edit["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$post"}


def test_poll_start_is_what_element_shows_and_mentions_nobody() -> None:
    question = "When should “" + escape("@room *Pizza*\n# jetzt") + "” take place?"
    start = content.poll_start(question, [("slot-1", "day 1"), ("slot-2", "day 2")])
    poll = start[content.POLL_START]
    assert poll["question"] == {content.TEXT: "When should “@room *Pizza*\n# jetzt” take place?"}
    assert poll["kind"] == content.DISCLOSED and poll["max_selections"] == 1
    assert poll["answers"] == [{"id": "slot-1", content.TEXT: "day 1"},
                               {"id": "slot-2", content.TEXT: "day 2"}]
    assert start["body"] == start[content.TEXT] == (
        "When should “@room *Pizza*\n# jetzt” take place?\n1. day 1\n2. day 2")
    assert start["m.mentions"] == {}


def test_poll_end_references_the_poll_and_mentions_nobody() -> None:
    end = content.poll_end("$poll", "The poll is closed: " + escape("@room"))
    assert end["m.relates_to"] == {"rel_type": "m.reference", "event_id": "$poll"}
    assert end[content.POLL_END] == {} and end["body"] == "The poll is closed: @room"
    assert end["m.mentions"] == {}


def test_widget_name_is_one_short_line() -> None:
    assert content.widget_name("Call\n<b>x</b>  @room") == "Call <b>x</b> @room"
    assert len(content.widget_name("x" * 500)) == content.WIDGET_NAME_MAX


def test_content_without_mentions_mentions_nobody_when_it_leaves() -> None:
    hand_made = {"body": "@room", "m.new_content": {"body": "@room"}}
    assert content.stated(hand_made) == {"body": "@room", "m.mentions": {},
                                         "m.new_content": {"body": "@room", "m.mentions": {}}}
    reaction = {"m.relates_to": {"key": "👍"}}
    assert content.stated(reaction) == reaction
