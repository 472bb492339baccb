"""Markdown in, HTML for rich clients and plain text for the rest out (content.py builds the
events). Link targets are percent-encoded, so no id or address can end a link early.

`render` gives both. Most of what the bot sends is a few paragraphs of lines with bold,
mentions, links, code and escaped member text: that subset is rendered directly (`_fast`),
to exactly the HTML and plain text python-markdown and `to_plain` give (a unit test compares
them on generated texts), about a hundred times faster for a list of 2,000 mentions
(python-markdown's inline pass grows with the square of a paragraph's links). Anything else
(lists, headings, quotes, raw HTML, a stray `*` or `_`, ...) takes python-markdown.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from urllib.parse import quote

from .i18n import Markup, escape, one_line

MATRIX_TO = "https://matrix.to/#/"


@lru_cache(maxsize=8192)
def mention(user_id: str, name: str | None = None) -> Markup:
    """A pill in Element; pair it with `m.mentions` when the person should be notified.
    Remembered: the check-in post renders the same people at every edit."""
    return Markup(f"[{escape(one_line(name or user_id))}](<{MATRIX_TO}{quote(user_id, '@:')}>)")


def command_text(prefix: str, text: str) -> Markup:
    """A command as the member would type it, in code style: `!coffee join`."""
    return Markup(f"`{prefix}{text}`")


def link(url: str, text: str | None = None) -> Markup:
    return Markup(f"[{escape(one_line(text or url))}](<{target(url)}>)")


def target(url: str) -> str:
    """A URL safe as a Markdown link target: what a URL may hold stays, the rest is encoded."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


@lru_cache(maxsize=4)
def render(markdown_text: str) -> tuple[str, str]:
    """The HTML and the plain text of a message with this Markdown. The last few are
    remembered: a text fitted to the size limit is rendered to measure it, then to send it."""
    fast = _fast(markdown_text)
    if fast is not None:
        return fast
    html_text = markdown_html(markdown_text)
    return html_text, to_plain(html_text)


def to_html(markdown_text: str) -> str:
    fast = _fast(markdown_text)
    return fast[0] if fast is not None else markdown_html(markdown_text)


def markdown_html(markdown_text: str) -> str:
    """python-markdown's HTML: the reference the fast path matches. Imported when first
    needed: most texts never take it, and a start without it is quicker."""
    import markdown as markdown_lib
    return markdown_lib.markdown(markdown_text, extensions=["sane_lists", "nl2br"]).strip()


# --- the fast path ------------------------------------------------------------------------
# python-markdown's ESCAPED_CHARS; `&` not starting an entity is `&amp;` (its serializer's rule).
_ESCAPABLE = r"\\`*_{}\[\]()>#+\-.!"
_CHAR = r"[^\\\[\]*_`<>!\n]|!(?!\[)"  # no meaning inline (`&` is handled per run)
_ESC = rf"\\[{_ESCAPABLE}]|\\(?![{_ESCAPABLE}`])"  # a lone backslash stays
_INLINE = rf"(?:{_CHAR}|{_ESC})"
_TOKEN = re.compile(
    rf"(?P<text>{_INLINE}+)"
    rf"|(?P<link>\[(?P<label>{_INLINE}+)\]\(<(?P<href>[^<>\s\\`\"]+)>\))"
    rf"|\*\*(?P<strong>(?![\s*]){_INLINE}+?)(?<![\s*])\*\*(?!\*)"
    rf"|(?<![`\\])`(?P<code>[^`\n]+)`(?!`)"
)
_ESC_CHAR = re.compile(rf"\\([{_ESCAPABLE}])")
_AMP = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)
# Lines python-markdown would read as more than a paragraph's line: headings, quotes, lists,
# rules, setext underlines, reference definitions, indented code, raw HTML.
_BLOCKISH = re.compile(r"[#>+=\-_<]|\*(?!\*[^\s*])|\d+[.)]|\[[^\[\]]*\]:")
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _inline_html(text: str) -> str:
    """Text, escapes and entities (no tags) as HTML."""
    if "\\" in text:
        text = _ESC_CHAR.sub(_unescaped, text)
    if "&" in text:
        text = _AMP.sub("&amp;", text)
    return text.replace(">", "&gt;") if ">" in text else text


def _unescaped(match: re.Match[str]) -> str:
    return match.group(1)


def _plain_of(html_text: str) -> str:
    text = unescape(html_text) if "&" in html_text else html_text
    return text.replace("\n", "") if "\n" in text else text


_LINKS: dict[str, tuple[str, str]] = {}  # a mention's HTML and text, for the next edit
_LINKS_KEPT = 20_000


def _link(token: re.Match[str]) -> tuple[str, str]:
    whole = token.group("link")
    known = _LINKS.get(whole)
    if known is None:
        label = _inline_html(token.group("label"))
        href = token.group("href")
        if "&" in href:
            href = _AMP.sub("&amp;", href)
        if len(_LINKS) >= _LINKS_KEPT:
            _LINKS.clear()
        known = _LINKS[whole] = (f'<a href="{href}">{label}</a>', _plain_of(label))
    return known


def _line(line: str) -> tuple[str, str] | None:
    """One line of a paragraph as HTML and plain text, or None if it needs python-markdown."""
    html_parts: list[str] = []
    plain_parts: list[str] = []
    position, end = 0, len(line)
    match_at = _TOKEN.match
    while position < end:
        token = match_at(line, position)
        if token is None:
            return None
        position = token.end()
        kind = token.lastgroup
        if kind == "text":
            piece = _inline_html(token.group())
            html_parts.append(piece)
            plain_parts.append(_plain_of(piece))
        elif kind == "link":
            html_piece, plain_piece = _link(token)
            html_parts.append(html_piece)
            plain_parts.append(plain_piece)
        elif kind == "strong":
            inner = _inline_html(token.group("strong"))
            html_parts.append(f"<strong>{inner}</strong>")
            plain_parts.append(_plain_of(inner))
        else:
            code = token.group("code").strip()
            if not code:
                return None
            html_parts.append(f"<code>{_code_escape(code)}</code>")
            plain_parts.append(code.replace("\n", ""))
    return "".join(html_parts), "".join(plain_parts)


def line_parts(line: str) -> tuple[str, str] | None:
    """One line of Markdown as the fast path renders it inside a paragraph (HTML, plain
    text), or None if it needs python-markdown: what a piece of a listing adds to a message."""
    if _UNSAFE.search(line) or line != line.strip() or "\n" in line or _BLOCKISH.match(line):
        return None
    return _line(line)


def _code_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fast(markdown_text: str) -> tuple[str, str] | None:
    """Paragraphs of plain lines rendered without python-markdown; None for anything else."""
    if _UNSAFE.search(markdown_text):
        return None
    paragraphs: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in markdown_text.split("\n"):
        if not line:
            if current:
                paragraphs.append(current)
                current = []
            continue
        if line != line.strip() or _BLOCKISH.match(line):
            return None
        rendered = _line(line)
        if rendered is None:
            return None
        current.append(rendered)
    if current:
        paragraphs.append(current)
    if not paragraphs:
        return None
    html_text = "\n".join(
        "<p>" + "<br />\n".join(h for h, _ in lines) + "</p>" for lines in paragraphs)
    raw = "\n\n".join("\n".join(p for _, p in lines) for lines in paragraphs)
    return html_text, _normalized(raw)


def _normalized(raw: str) -> str:
    """What `_TextExtractor.text` makes of the joined parts."""
    text = "\n".join(line.rstrip() for line in raw.split("\n"))
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


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
        return _normalized("".join(self.parts))


def to_plain(html_text: str) -> str:
    parser = _TextExtractor()
    parser.feed(html_text)
    parser.close()
    return parser.text()
