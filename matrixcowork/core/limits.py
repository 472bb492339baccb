"""The homeserver's size limit on events, and rendering what the bot sends to fit under it.

Synapse refuses an event over 65,536 bytes, measured on the whole event as canonical JSON
(`M_TOO_LARGE`): the content plus what the homeserver adds around it (ids, hashes, signatures,
prev and auth events), for which `ENVELOPE` is kept free. Member-typed text grows on its way:
HTML escaping makes `&` five bytes, the plain body repeats the text, an edit carries it twice
(`body` and `m.new_content`), and in an encrypted room the content is JSON with non-ASCII
escaped (`ü` six bytes), encrypted and base64-encoded (a third more).

Features render lists with `fit`: the first n items that fit, then a line like "and 37 more:
!agenda"; they measure as if the post were edited in an encrypted room, so a text that fits
fits everywhere. Given the items' Markdown, `fit` counts what fits from the bytes each adds
and measures the text once, so a list of 2,000 is rendered only as far as it is shown.
`Chat` checks every message before sending (`within`) and, should a text still be too large,
sends it shortened as plain text rather than have the homeserver refuse it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from .content import message as message_content
from .formatting import line_parts

log = logging.getLogger(__name__)

MAX_EVENT_BYTES = 65_536  # Synapse's MAX_PDU_SIZE
ENVELOPE = 2_048  # room id, sender, prev/auth events, hashes, signatures
CONTENT_BUDGET = MAX_EVENT_BYTES - ENVELOPE
MEGOLM_OVERHEAD = 512  # algorithm, sender key, session and device ids, the cipher's own bytes
EDIT_OVERHEAD = 256  # "* " twice, `m.new_content`, `m.relates_to` with the event id
ELLIPSIS = "…"
SEPARATOR = 10  # what joins two pieces of a listing (`<br />\n`, `\n`) as JSON


def size(content: dict[str, Any]) -> int:
    """Bytes of the content as the homeserver measures it (canonical JSON, UTF-8)."""
    return len(json.dumps(content, ensure_ascii=False, separators=(",", ":"),
                          sort_keys=True).encode())


def encrypted_size(content: dict[str, Any], event_type: str = "m.room.message") -> int:
    """Bytes of the `m.room.encrypted` content this would become (an upper bound)."""
    plain = len(json.dumps({"type": event_type, "content": content, "room_id": "!" + "x" * 80},
                           ensure_ascii=True, separators=(",", ":")))
    return (plain * 4 + 2) // 3 + MEGOLM_OVERHEAD


def wire_size(content: dict[str, Any], encrypted: bool, event_type: str = "m.room.message"
              ) -> int:
    return encrypted_size(content, event_type) if encrypted else size(content)


def fits(content: dict[str, Any], encrypted: bool = True,
         event_type: str = "m.room.message") -> bool:
    return wire_size(content, encrypted, event_type) <= CONTENT_BUDGET


def text_fits(markdown_text: str, *, edited: bool = True, encrypted: bool = True) -> bool:
    """Whether a message with this text fits, also as an edit (the text twice) if `edited`."""
    return fits(_as_sent(markdown_text, edited), encrypted)


def largest(ok: Callable[[int], bool], count: int, minimum: int = 0) -> int:
    """The largest n from `minimum` to `count` with `ok(n)` (`ok` holds for the smaller ones
    if for a larger); `minimum` if none."""
    if ok(count):
        return count
    low, high = minimum, count - 1
    while low < high:
        middle = (low + high + 1) // 2
        if ok(middle):
            low = middle
        else:
            high = middle - 1
    return max(low, minimum)


def fit(render: Callable[[int], str], count: int, *, edited: bool = True,
        pieces: Iterable[str] | None = None) -> str:
    """`render(n)` with the largest n <= count that fits (n = 0 if none).

    With `pieces` (the Markdown each of the items adds, in order, read only as far as it
    takes), n is counted from the bytes each piece adds to the shortest text, `render(0)`;
    the text of n is measured, the estimate corrected by what the n took in fact and the
    count taken further, and that text measured too: a long list is neither rendered nor
    named beyond what fits. Should a text not fit after all, n is searched below it."""
    def ok(n: int) -> bool:
        return text_fits(render(n), edited=edited)

    if pieces is None:
        return render(largest(ok, count))

    def room(text: str) -> int:
        return CONTENT_BUDGET - wire_size(_as_sent(text, edited), encrypted=True)

    source = iter(pieces)
    sizes: list[int] = []  # what each piece read so far adds, estimated

    def taken(space: float) -> int:
        shown = 0
        while shown < count:
            if shown == len(sizes):
                piece = next(source, None)
                if piece is None:
                    break
                sizes.append(piece_size(piece, edited=edited))
            space -= sizes[shown]
            if space < 0:
                break
            shown += 1
        return shown

    text = render(0)
    base = room(text)
    shown = taken(base) if base >= 0 else 0
    if shown == 0:
        return text
    text = render(shown)
    left = room(text)
    if left < 0:
        return render(largest(ok, shown - 1))
    if shown < count and left > 0:
        more = taken(base * sum(sizes[:shown]) / max(base - left, 1))  # as they took in fact
        if more > shown:
            further = render(more)
            if room(further) >= 0:
                return further
    return text


def piece_size(piece: str, *, edited: bool = True, encrypted: bool = True) -> int:
    """About the bytes a piece of Markdown adds to a message (HTML and plain text, escaped as
    JSON, a separator), twice in an edit; rather more than less."""
    added = _piece_bytes(piece) + SEPARATOR
    if edited:
        added *= 2
    return (added * 4 + 2) // 3 if encrypted else added


@lru_cache(maxsize=8192)
def _piece_bytes(piece: str) -> int:
    """The piece's HTML and plain text as JSON strings (remembered: a post's edits list the
    same people again)."""
    parts = line_parts(piece.strip())
    html_text, plain_text = parts if parts is not None else (piece + piece, piece)
    return len(encode_basestring_ascii(html_text)) + len(encode_basestring_ascii(plain_text))


def _as_sent(markdown_text: str, edited: bool) -> dict[str, Any]:
    content = message_content(markdown_text)
    if edited:
        content = {**content, "m.new_content": content, "pad": "x" * EDIT_OVERHEAD}
    return content


def pages(render: Callable[[Sequence[str]], str], lines: Sequence[str]) -> list[str]:
    """All lines in as few messages as fit (messages not edited), each rendered by `render`;
    at least one line a message, at least one message."""
    result: list[str] = []
    rest = list(lines)
    while True:
        taken = largest(lambda n, rest=rest: text_fits(render(rest[:n]), edited=False),
                        len(rest), minimum=min(1, len(rest)))
        result.append(render(rest[:taken]))
        rest = rest[taken:]
        if not rest:
            return result


@dataclass(frozen=True)
class Listing:
    """A heading and lines, shortened to fit: the first n lines, then `more(left)`."""

    head: str
    lines: Sequence[str]
    more: Callable[[int], str]

    def render(self, shown: int | None = None) -> str:
        shown = len(self.lines) if shown is None else shown
        body = list(self.lines[:shown])
        if shown < len(self.lines):
            body.append(self.more(len(self.lines) - shown))
        return "\n\n".join(part for part in (self.head, "\n".join(body)) if part)

    def __str__(self) -> str:
        return self.render()


def fit_around(around: Callable[[str], str], part: str | Listing, *,
               edited: bool = True) -> str:
    """The whole text `around(part)`, with a `Listing` part shortened until the whole fits."""
    if isinstance(part, Listing):
        return fit(lambda n: around(part.render(n)), len(part.lines), edited=edited,
                   pieces=part.lines)
    return around(part)


def within(content: dict[str, Any], encrypted: bool, event_type: str = "m.room.message"
           ) -> dict[str, Any]:
    """The content as it is, or, if the homeserver would refuse it, its plain text cut to
    fit (HTML dropped), so a post is never frozen by its size. Features fit their texts
    before; this is the last line."""
    if event_type != "m.room.message" or fits(content, encrypted, event_type):
        return content
    log.warning("a %d-byte message was cut to fit the event size limit",
                wire_size(content, encrypted, event_type))
    new = content.get("m.new_content")
    body = (new or content).get("body", "")
    low, high = 0, len(body)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(_plain(content, body[:middle] + ELLIPSIS), encrypted, event_type):
            low = middle
        else:
            high = middle - 1
    return _plain(content, body[:low] + ELLIPSIS)


def _plain(content: dict[str, Any], body: str) -> dict[str, Any]:
    def slim(part: dict[str, Any], text: str) -> dict[str, Any]:
        kept = {k: v for k, v in part.items() if k not in ("format", "formatted_body")}
        return {**kept, "body": text}

    new = content.get("m.new_content")
    if isinstance(new, dict):
        return {**slim(content, "* " + body), "m.new_content": slim(new, body)}
    return slim(content, body)
