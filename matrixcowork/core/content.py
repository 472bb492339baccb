"""Every piece of content the bot sends is built here: messages, edits (with their
`m.new_content`), poll start and end, widgets' names.

Each event with a body says whom it mentions (`m.mentions`, `{}` for nobody). Without it
Synapse falls back to the legacy push rules: an "@room" in the body notifies the whole room
(the bot has the power for it) and a member's display name highlights them, so a member-typed
title could ping everyone. The text comes in as Markdown in which member-typed values were
escaped (`i18n.escape`), and goes out as HTML plus the plain text of that same HTML, so a
poll's plain question and a message's body show what the member typed, no more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .formatting import render
from .i18n import one_line

POLL_START = "org.matrix.msc3381.poll.start"
POLL_END = "org.matrix.msc3381.poll.end"
TEXT = "org.matrix.msc1767.text"
DISCLOSED = "org.matrix.msc3381.poll.disclosed"
WIDGET_NAME_MAX = 200


def mentions(user_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """`m.mentions` naming exactly these people (never the room)."""
    chosen = sorted(set(user_ids or ()))
    return {"user_ids": chosen} if chosen else {}


def plain(markdown_text: str) -> str:
    """The plain text a message with this Markdown shows."""
    return render(markdown_text)[1]


def message(markdown_text: str, *, msgtype: str = "m.notice",
            mentioned: Iterable[str] | None = None,
            reply_to: str | None = None) -> dict[str, Any]:
    """Content for `m.room.message`: always a plain body, and the HTML."""
    html_text, body = render(markdown_text)
    content: dict[str, Any] = {
        "msgtype": msgtype,
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": html_text,
        "m.mentions": mentions(mentioned),
    }
    if reply_to:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
    return content


def edit(event_id: str, markdown_text: str, *, msgtype: str = "m.notice",
         mentioned: Iterable[str] | None = None) -> dict[str, Any]:
    """An edit (`m.replace`) of the bot's message: the new content, and the fallback."""
    new = message(markdown_text, msgtype=msgtype, mentioned=mentioned)
    return {
        **new,
        "body": "* " + new["body"],
        "formatted_body": "* " + new["formatted_body"],
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
    }


def poll_start(question: str, answers: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """An MSC3381 poll with one choice per (answer id, label); question and labels are
    Markdown like every message, shown as their plain text, with a text fallback."""
    question_text = plain(question)
    labels = [(answer_id, plain(label)) for answer_id, label in answers]
    fallback = "\n".join([question_text, *(f"{n}. {label}" for n, (_, label) in
                                           enumerate(labels, 1))])
    return {
        POLL_START: {
            "question": {TEXT: question_text},
            "kind": DISCLOSED,
            "max_selections": 1,
            "answers": [{"id": answer_id, TEXT: label} for answer_id, label in labels],
        },
        TEXT: fallback,
        "body": fallback,
        "m.mentions": mentions(),
    }


def poll_end(poll_event_id: str, text: str) -> dict[str, Any]:
    """Closes the poll in Element; `text` is Markdown, shown as its plain text."""
    body = plain(text)
    return {
        "m.relates_to": {"rel_type": "m.reference", "event_id": poll_event_id},
        POLL_END: {},
        TEXT: body,
        "body": body,
        "m.mentions": mentions(),
    }


def widget_name(text: str) -> str:
    """A widget's name (Element shows it as plain text in the room's header): one line."""
    name = one_line(text)
    return name if len(name) <= WIDGET_NAME_MAX else name[: WIDGET_NAME_MAX - 1] + "…"


def stated(content: dict[str, Any]) -> dict[str, Any]:
    """The content as it may leave: anything with a body (and an edit's new content) says
    whom it mentions; where nobody said, it mentions nobody."""
    new = content.get("m.new_content")
    if isinstance(new, dict) and "body" in new and "m.mentions" not in new:
        content = {**content, "m.new_content": {**new, "m.mentions": mentions()}}
    if "body" in content and "m.mentions" not in content:
        content = {**content, "m.mentions": mentions()}
    return content
