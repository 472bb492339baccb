"""Markdown to Matrix content: HTML for rich clients, a clean plain body for the rest."""

from __future__ import annotations

from matrixcowork.core.content import message as message_content
from matrixcowork.core.formatting import mention, to_plain
from matrixcowork.core.i18n import escape


def test_notice_has_html_and_plain_body() -> None:
    content = message_content("**Hallo** zusammen\n\n- eins\n- zwei")
    assert content["msgtype"] == "m.notice"
    assert "<strong>Hallo</strong>" in content["formatted_body"]
    assert content["body"] == "Hallo zusammen\n\n- eins\n- zwei"
    assert content["m.mentions"] == {}


def test_mentions_are_pills_with_m_mentions() -> None:
    content = message_content(f"Hi {mention('@anna:owl.de', 'Anna')}!", mentioned=["@anna:owl.de"])
    assert '<a href="https://matrix.to/#/@anna:owl.de">Anna</a>' in content["formatted_body"]
    assert content["body"] == "Hi Anna!"
    assert content["m.mentions"] == {"user_ids": ["@anna:owl.de"]}


def test_member_text_cannot_inject_html_or_markdown() -> None:
    typed = "<img src=x onerror=alert(1)> *bold* [link](http://evil)"
    content = message_content("Status: " + escape(typed))
    assert "<img" not in content["formatted_body"]
    assert "<em>" not in content["formatted_body"] and "<a " not in content["formatted_body"]
    assert content["body"] == "Status: " + typed


def test_plain_text_of_nested_html() -> None:
    assert to_plain("<p>a<br />b</p><ul><li>x</li></ul>") == "a\nb\n\n- x"
    assert message_content("eins\nzwei")["body"] == "eins\nzwei"


def test_numbered_lists_keep_their_numbers() -> None:
    text = "Agenda:\n\n1. Räume\n2. Finanzen"
    assert message_content(text)["body"] == text
