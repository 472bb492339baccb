"""Fuzzed member text: a griefer (a member whose display name is itself markup and "@room")
types hypothesis-made text into every field the bot shows again (webinar titles and
descriptions, introductions and profiles, check-in notes, focus goals, call topics, agenda
items, search words), through the running bot's command layer, and every event the bot then
sends to the real homeserver is checked:

- it says whom it mentions (`m.mentions`, its edit's new content too), never the room, and
  nobody but the griefer themself (the one person a reply to them may mean);
- its HTML holds only the bot's own markup: no heading, code block, quote, rule, raw HTML, and
  nothing the member marked up (their text is never emphasis, code, a link or nested bold);
- its plain body shows no escape the member did not type (a backslash, a character reference);
- a poll's question and answers (start and end) are plain text, and a call widget's name in
  the room's state is one short line.

A line that starts with "organizer:" is typed by Anna (polls and dates are hers to start for a
proposal without enough votes); "{id}" is the newest webinar's number.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matrixcowork.core.chat import Chat
from matrixcowork.core.content import POLL_END, POLL_START, TEXT, WIDGET_NAME_MAX
from matrixcowork.core.jitsi import WIDGET_EVENT
from tests.helpers import Member
from tests.integration.space_world import barrier, invite_into_space, join

from .community import every_feature_world
from .test_fuzz_commands import HYPOTHESIS, in_thread

EXAMPLES = 50
MARK = "zqx"  # in every piece of markup the griefer types: where it lands, the markup landed
GRIEFER_NAME = "@room *Cem* <b>Boss</b> # [x](https://evil.example)"
BOT_TAGS = {"p", "br", "strong", "em", "a", "code", "ul", "ol", "li"}
NEVER_AROUND_MEMBER_TEXT = {"em", "code", "a", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                            "blockquote", "b", "i", "del", "img"}
FIELDS = [  # (command lines with {} for the member's text, in the room of this key)
    (["!webinar propose {} | {}", "!webinar list"], "general"),
    (["!webinar propose {} | {}", "organizer:!webinar poll {id} 2027-01-12 18:00 | "
      "2027-01-14 18:00", "organizer:!webinar schedule {id} 2027-01-20 18:00"], "webinars"),
    (["!intro {}", "!profile offer {}", "!profile seek {}", "!profile skills {}",
      "!find {}"], "general"),
    (["!checkin onsite {}", "!who"], "coworking"),
    (["!focus 25 {}"], "coworking"),
    (["!call {}", "!call end"], "general"),
    (["!agenda add {}", "!agenda"], "general"),
    (["!event create {} | 2027-01-14 12:30 | {}", "!events", "!plan fri {}"], "general"),
]
MARKUP = [f"*{MARK}*", f"_{MARK}_", f"**{MARK}**", f"`{MARK}`", f"[{MARK}](https://evil.example)",
          f"<b>{MARK}</b>", f"<img src=x alt={MARK}>", f"# {MARK}", f"{MARK}\n===",
          f"\n\n    {MARK} code", f"```\n{MARK}\n```", f"> {MARK}", f"- {MARK}", f"1. {MARK}",
          "---", "***", f"~~{MARK}~~", f"{MARK} | {MARK}", f"&lt;{MARK}&gt;", "&amp;",
          f"<https://{MARK}.example>", f"\\*{MARK}\\*", "@room", "@room:", GRIEFER_NAME,
          "\r\n", "\u2028", "\t", "  \n", "<", ">", "&", "=", "\\", "~", "|"]
PIECE = st.one_of(st.sampled_from(MARKUP),
                  st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8))
PAYLOAD = st.lists(PIECE, min_size=1, max_size=6).map("".join).filter(lambda t: t.strip())


class Tags(HTMLParser):
    """Every tag of an HTML body, and the tags open wherever the mark shows up."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: set[str] = set()
        self.hrefs: list[str] = []
        self.open: list[str] = []
        self.around_mark: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        if tag != "br":
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if MARK in data.lower():
            self.around_mark.append(tuple(self.open))


@dataclass
class Sent:
    """Watches the bot's one sender: everything it sends, with its type (queued replies when
    the outbox sends them: wait for `chat.outbox.drained()` before reading)."""

    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def watch(self, chat: Chat) -> None:
        send_event, put_state = chat.send_event, chat.put_state

        async def recorded(room_id: str, event_type: str, content: dict[str, Any],
                           txn: str | None = None) -> str:
            self.events.append((event_type, content))  # as built, before the sender's guard
            return await send_event(room_id, event_type, content, txn)

        async def stated(room_id: str, event_type: str, content: dict[str, Any],
                         state_key: str = "") -> None:
            self.events.append((event_type, content))
            await put_state(room_id, event_type, content, state_key)

        chat.send_event = recorded  # type: ignore[method-assign]
        chat.put_state = stated  # type: ignore[method-assign]


def plain_text_problems(text: Any, typed: str) -> list[str]:
    """Text a client shows as it is (poll questions and answers, widget names)."""
    if not isinstance(text, str):
        return [f"not text: {text!r}"]
    found = []
    if "\\" in text and "\\" not in typed:
        found.append("a backslash the member did not type")
    if ("&#" in text or "&amp;" in text or "&lt;" in text) and "&" not in typed:
        found.append("a character reference")
    return found


def stated_problems(event_type: str, content: dict[str, Any], typed: str) -> list[str]:
    """Polls and widgets: no HTML body to check, so their text fields are checked here."""
    found = []
    poll = content.get(POLL_START)
    if isinstance(poll, dict):
        found += plain_text_problems(poll.get("question", {}).get(TEXT), typed)
        for answer in poll.get("answers", []):
            found += plain_text_problems(answer.get(TEXT), typed)
    if event_type == WIDGET_EVENT and content:
        for name in (content.get("name"), content.get("data", {}).get("roomName")):
            found += plain_text_problems(name, typed)
            if isinstance(name, str) and ("\n" in name or len(name) > WIDGET_NAME_MAX):
                found.append(f"a widget name of {len(name)} characters over lines")
    return found


def problems(typed: str, content: dict[str, Any], griefer: str) -> list[str]:
    found = []
    for part in (content, content.get("m.new_content")):
        if not isinstance(part, dict) or "body" not in part:
            continue
        mentions = part.get("m.mentions")
        if not isinstance(mentions, dict):
            found.append("no m.mentions")
        elif mentions.get("room") or set(mentions.get("user_ids", [])) - {griefer}:
            found.append(f"mentions {mentions}")
        found += plain_text_problems(part["body"], typed)
        html = part.get("formatted_body")
        if html:
            tags = Tags()
            tags.feed(html)
            if tags.seen - BOT_TAGS:
                found.append(f"tags {sorted(tags.seen - BOT_TAGS)}")
            for around in tags.around_mark:
                if set(around) & NEVER_AROUND_MEMBER_TEXT or around.count("strong") > 1:
                    found.append(f"member text inside {around}")
            hrefs = [h for h in tags.hrefs if not h.startswith(("https://", "http://127."))
                     or MARK in h.lower() or "evil.example" in h]
            if hrefs:
                found.append(f"links {hrefs}")
    return found


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_fuzzed_member_text_pings_nobody_and_stays_text(
    make_bot, members: dict[str, Member], figure
) -> None:
    anna, cem = members["anna"], members["cem"]
    await cem.client.set_displayname(GRIEFER_NAME)
    world = await every_feature_world(make_bot, anna)
    await invite_into_space(world, anna, cem)
    for key in ("general", "coworking"):
        assert await join(cem, world.rooms[key])
        await barrier(cem, world.rooms[key])
    sent, router = Sent(), world.router
    sent.watch(world.bot.services.chat)
    checked, kinds = 0, Counter[str]()
    typed_so_far = [GRIEFER_NAME]  # posts edited later show earlier texts too

    async def example(typed: str, lines: list[str], room_key: str) -> None:
        nonlocal checked
        typed_so_far.append(typed)
        before = len(sent.events)
        for line in lines:
            sender = cem.user_id
            if line.startswith("organizer:"):
                sender, line = anna.user_id, line.removeprefix("organizer:")
            newest = await world.bot.services.store.fetch_one("SELECT max(id) FROM webinars")
            line = line.replace("{id}", str(newest[0] if newest and newest[0] else 1))
            await router.handle(world.rooms[room_key], sender,
                                f"$fuzz-{uuid.uuid4().hex}", line.replace("{}", typed))
        await world.bot.services.chat.outbox.drained()  # the replies are sent (and seen)
        for event_type, content in sent.events[before:]:
            everything = "".join(typed_so_far)
            wrong = (problems(everything, content, cem.user_id)
                     + stated_problems(event_type, content, everything))
            assert not wrong, (typed, lines, event_type, wrong, content.get("body"))
            checked += 1
            kinds[event_type] += 1

    fields = itertools.cycle(FIELDS)  # every field in turn: a drawn index misses some

    def run(typed: str) -> None:
        lines, room_key = next(fields)
        in_thread(loop, lambda t, _r: example(t, lines, room_key))(typed, "")

    loop = asyncio.get_running_loop()
    fuzz = settings(max_examples=EXAMPLES, **HYPOTHESIS)(
        given(PAYLOAD)(run))
    await asyncio.to_thread(fuzz)

    assert checked >= EXAMPLES
    assert kinds[POLL_START] and kinds[POLL_END] and kinds[WIDGET_EVENT], kinds  # all reached
    figure(f"fuzzed member text: {EXAMPLES} griefer texts in {len(FIELDS)} kinds of field, "
           f"{checked} events the bot sent checked ({kinds[POLL_START]} poll starts, "
           f"{kinds[POLL_END]} poll ends, {kinds[WIDGET_EVENT]} widget states among them): "
           "none mentions anyone not meant, none shows markup the member typed")
