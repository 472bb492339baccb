"""The fast renderer gives exactly python-markdown's HTML and `to_plain`'s text, on texts
made the way the bot makes them (mentions, links, code, bold, escaped member text) and on
texts mixed with what only python-markdown handles (lists, headings, stray markup)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matrixcowork.core.formatting import (
    _fast,
    command_text,
    link,
    markdown_html,
    mention,
    render,
    to_html,
    to_plain,
)
from matrixcowork.core.i18n import escape


def reference(text: str) -> tuple[str, str]:
    html_text = markdown_html(text)
    return html_text, to_plain(html_text)


member_text = st.lists(
    st.sampled_from([*"aZ ü😀<>&;#=*_`[]()!\\.-+{}|~\"'\n\t\x00\u2028",
                     "&amp;", "&#61;", "&notit;", "@room", "**", "- ", "1. ", "# "]),
    max_size=12).map("".join)
names = member_text
user_ids = st.sampled_from(["@anna:owl.de", "@b_b:x.y", "@c(1):z", "@d&e:q"])
urls = st.sampled_from(["https://owl.de/a?b=1&c=2", "https://x.y/#/[a](b)", "http://q/'\"",
                        "https://meet.jit.si/Raum Ä"])
raw = st.sampled_from(["*", "**", "_", "`", "[", "]", "!", "![", "&", "&amp;", "&#X41;", "<b>",
                       ">", "\\", "\\\\", "\\`", "  ", "\n", "\n\n", "\n- ", "\n1. ", "\n# ",
                       "\n> ", "\n===", "\n[a]: x", "\n    code", "🏢", " (", "):", ", ", ":"])
piece = st.one_of(
    member_text.map(escape),
    st.builds(mention, user_ids, names),
    st.builds(link, urls, st.one_of(st.none(), names)),
    st.builds(command_text, st.just("!"), member_text),
    member_text.map(lambda t: f"**{escape(t)}**"),
    raw,
    st.sampled_from(["Hallo", "Who is here today?", "**Here today:**", "\n\n", "\n"]),
)
texts = st.lists(piece, max_size=12).map("".join)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_fast_path_equals_python_markdown(text: str) -> None:
    assert render(text) == reference(text)
    assert to_html(text) == reference(text)[0]


def test_the_bots_lists_take_the_fast_path() -> None:
    people = ", ".join(mention(f"@m{i}:owl.de", f"Name {i} <*>") for i in range(50))
    text = (f"**Good morning! Who is coworking today, {escape('Tue, Dec 1, 2026')}?**\n"
            f"React with 🏢 if you are on site.\nType {command_text('!', 'checkin')}.\n\n"
            f"🏢 **On site (50):** {people} ({escape('notes [x] & =')})")
    assert _fast(text) is not None
    assert render(text) == reference(text)


def test_what_only_markdown_knows_falls_back() -> None:
    for text in ("- one\n- two", "# heading", "> quote", "a *b* c", "a_b_", "<b>x</b>",
                 "1. one", "line\n===", "[a]: https://x", "    code", "tab\there", ""):
        assert _fast(text) is None, text
        assert render(text) == reference(text)
