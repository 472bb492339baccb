"""Markdown in, HTML for rich clients and plain text for the rest out (content.py builds the
events). Link targets are percent-encoded, so no id or address can end a link early."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

import markdown as markdown_lib

from .i18n import Markup, escape, one_line

MATRIX_TO = "https://matrix.to/#/"


def mention(user_id: str, name: str | None = None) -> Markup:
    """A pill in Element; pair it with `m.mentions` when the person should be notified."""
    return Markup(f"[{escape(one_line(name or user_id))}](<{MATRIX_TO}{quote(user_id, '@:')}>)")


def command_text(prefix: str, text: str) -> Markup:
    """A command as the member would type it, in code style: `!coffee join`."""
    return Markup(f"`{prefix}{text}`")


def link(url: str, text: str | None = None) -> Markup:
    return Markup(f"[{escape(one_line(text or url))}](<{target(url)}>)")


def target(url: str) -> str:
    """A URL safe as a Markdown link target: what a URL may hold stays, the rest is encoded."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def to_html(markdown_text: str) -> str:
    return markdown_lib.markdown(markdown_text, extensions=["sane_lists", "nl2br"]).strip()


class _TextExtractor(HTMLParser):
    """Plain body from the rendered HTML, so escaping never shows up as backslashes."""

    BLOCKS = frozenset({"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "blockquote", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._lists: list[int | None] = []  # per open list: next number, None if unordered

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li" and self._lists:
            number = self._lists[-1]
            bullet = "- " if number is None else f"{number}. "
            if number is not None:
                self._lists[-1] = number + 1
            self.parts.append("\n" + "  " * (len(self._lists) - 1) + bullet)
        elif tag == "ol":
            start = dict(attrs).get("start") or "1"
            self._lists.append(int(start) if start.isdigit() else 1)
        elif tag == "ul":
            self._lists.append(None)
        if tag in self.BLOCKS:
            self._block_break()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        if tag in self.BLOCKS:
            self._block_break()

    def handle_data(self, data: str) -> None:
        # Markdown's newlines in the HTML are layout: <br> and block tags carry the breaks.
        data = data.replace("\n", "")
        if data:
            self.parts.append(data)

    def _block_break(self) -> None:
        if self.parts and not "".join(self.parts[-2:]).endswith("\n\n"):
            self.parts.append("\n\n")

    def text(self) -> str:
        lines = "".join(self.parts).split("\n")
        text = "\n".join(line.rstrip() for line in lines)
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        return text.strip()


def to_plain(html_text: str) -> str:
    parser = _TextExtractor()
    parser.feed(html_text)
    parser.close()
    return parser.text()
