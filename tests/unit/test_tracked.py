"""The tracked-posts rules that a single homeserver cannot show: key forms and federation."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nio import AsyncClient, Event

from matrixcowork.core.chat import Chat
from matrixcowork.core.clock import FakeClock
from matrixcowork.core.config import parse_config
from matrixcowork.core.permissions import Access, Permissions
from matrixcowork.core.store import Store
from matrixcowork.core.tracked import (
    Reaction,
    ReactionDeclaration,
    ReactionKind,
    TrackedPost,
    TrackedPosts,
    normalize_key,
)

ONSITE = "\U0001F3E2"


def test_variation_selectors_do_not_make_a_different_key() -> None:
    assert normalize_key(ONSITE + "\ufe0f") == normalize_key(ONSITE) == ONSITE
    assert normalize_key("\u2764\ufe0f") == normalize_key("\u2764") == "\u2764"
    assert normalize_key("\u2714\ufe0e") == "\u2714"
    assert normalize_key("1\ufe0f\u20e3") == "1\u20e3"  # keycaps stay distinct from "1"
    assert normalize_key(" \U0001F44D ") == "\U0001F44D"


@given(st.text())
def test_normalising_is_idempotent_and_removes_every_selector(key: str) -> None:
    once = normalize_key(key)
    assert normalize_key(once) == once
    assert "\ufe0f" not in once and "\ufe0e" not in once


def reaction(event_id: str, sender: str, key: str, post: str = "$post") -> Any:
    return Event.parse_event({
        "type": "m.reaction", "event_id": event_id, "sender": sender,
        "origin_server_ts": 1_000, "content": {
            "m.relates_to": {"rel_type": "m.annotation", "event_id": post, "key": key}
        },
    })


def redacted_reaction(event_id: str) -> Any:
    """How a reaction looks when the sync delivers it after it was redacted: no relation."""
    because = {"type": "m.room.redaction", "event_id": "$r" + event_id, "sender": "@ben:x",
               "origin_server_ts": 3_000, "content": {}, "redacts": event_id}
    return Event.parse_event({
        "type": "m.reaction", "event_id": event_id, "sender": "@ben:x",
        "origin_server_ts": 1_000, "content": {}, "unsigned": {"redacted_because": because},
    })


def redaction(redacts: str) -> Any:
    return Event.parse_event({
        "type": "m.room.redaction", "event_id": "$redaction" + redacts, "sender": "@ben:x",
        "origin_server_ts": 2_000, "redacts": redacts, "content": {"redacts": redacts},
    })


def permissions(client: AsyncClient) -> Permissions:
    """No space in the config: the users of server `x` are the members."""
    config = parse_config({"homeserver": "https://x", "user_id": "@bot:x", "password": "p",
                           "admins": ["@anna:x"], "allowed_servers": ["x"]}, "t.yaml",
                          environ={})
    return Permissions(config, client)


async def tracked_posts(tmp_path: Path, handler: ReactionDeclaration | None = None,
                        ) -> tuple[TrackedPosts, Store, list[str]]:
    """A check-in post whose handler writes down whom it was told of (or `handler`)."""
    store = await Store.open(tmp_path / "t.db")
    client = AsyncClient("http://127.0.0.1:9", "@bot:x")
    tracked = TrackedPosts(store, Chat(client),
                           FakeClock(ZoneInfo("Europe/Berlin"), datetime(2026, 12, 1, 9)),
                           permissions(client))
    await store.migrate(tracked.name, tracked.migrations)
    calls: list[str] = []

    async def told(post: TrackedPost, user_id: str, reactions: list[Reaction]) -> None:
        assert all(r.user_id == user_id for r in reactions)
        calls.append(user_id)

    tracked.handle("checkin", "daily", handler or told)
    await tracked.register("!room", "$post", "checkin", "daily", "2026-12-01", date(2026, 12, 1))
    return tracked, store, calls


async def test_a_reaction_delivered_twice_by_federation_counts_once(tmp_path: Path) -> None:
    tracked, store, calls = await tracked_posts(tmp_path)
    try:
        await tracked.on_reaction("!room", reaction("$a", "@ben:x", ONSITE))
        await tracked.on_reaction("!room", reaction("$a", "@ben:x", ONSITE))  # replayed sync
        await tracked.on_reaction("!room", reaction("$b", "@ben:x", ONSITE + "\ufe0f"))
        post = await tracked.get("$post")
        assert post is not None
        assert [(r.user_id, r.key) for r in await tracked.reactions(post)] == [
            ("@ben:x", ONSITE)
        ]
        assert calls == ["@ben:x", "@ben:x"]  # the replay changed nothing

        await tracked.on_redaction("!room", redaction("$a"))
        assert len(await tracked.reactions(post)) == 1  # "$b" still says the same
        await tracked.on_redacted("!room", redacted_reaction("$b"))  # a replay, redacted since
        assert await tracked.reactions(post) == []
        assert calls == ["@ben:x"] * 4
    finally:
        await store.close()


async def test_the_handler_gets_the_members_reactions_now(tmp_path: Path) -> None:
    seen: list[list[str]] = []

    async def handler(post: TrackedPost, user_id: str, reactions: list[Reaction]) -> None:
        seen.append(sorted(r.key for r in reactions))

    tracked, store, _ = await tracked_posts(tmp_path, handler)
    try:
        await tracked.on_reaction("!room", reaction("$a", "@ben:x", ONSITE))
        await tracked.on_reaction("!room", reaction("$b", "@ben:x", "🏠"))
        await tracked.on_reaction("!room", reaction("$c", "@cem:x", ONSITE))
        await tracked.on_redaction("!room", redaction("$a"))
        assert seen == [[ONSITE], sorted([ONSITE, "🏠"]), [ONSITE], ["🏠"]]
    finally:
        await store.close()


async def test_only_those_the_kind_lets_count_reach_the_feature(tmp_path: Path) -> None:
    seen: list[tuple[str, list[str]]] = []

    async def handler(post: TrackedPost, user_id: str, reactions: list[Reaction]) -> None:
        seen.append((user_id, [r.key for r in reactions]))

    tracked, store, _ = await tracked_posts(tmp_path, handler)
    try:
        await tracked.on_reaction("!room", reaction("$a", "@ben:x", ONSITE))
        await tracked.on_reaction("!room", reaction("$e", "@eve:elsewhere", ONSITE))
        post = await tracked.get("$post")
        assert post is not None
        assert seen == [("@ben:x", [ONSITE]), ("@eve:elsewhere", [])]
        assert [r.user_id for r in await tracked.reactions(post)] == ["@ben:x"]
    finally:
        await store.close()


async def test_a_kind_open_to_everyone_counts_guests(tmp_path: Path) -> None:
    async def handler(post: TrackedPost, user_id: str, reactions: list[Reaction]) -> None:
        pass

    tracked, store, _ = await tracked_posts(tmp_path, ReactionKind(handler, Access.EVERYONE))
    try:
        await tracked.on_reaction("!room", reaction("$e", "@eve:elsewhere", ONSITE))
        post = await tracked.get("$post")
        assert post is not None
        assert [r.user_id for r in await tracked.reactions(post)] == ["@eve:elsewhere"]
    finally:
        await store.close()


async def test_a_kind_has_one_handler(tmp_path: Path) -> None:
    tracked, store, _ = await tracked_posts(tmp_path)
    try:
        with pytest.raises(ValueError, match="checkin declares a reaction handler for 'daily'"):
            tracked.handle("checkin", "daily", tracked_posts)  # type: ignore[arg-type]
    finally:
        await store.close()


async def test_reactions_elsewhere_are_ignored(tmp_path: Path) -> None:
    tracked, store, calls = await tracked_posts(tmp_path)
    try:
        await tracked.on_reaction("!room", reaction("$a", "@ben:x", ONSITE, post="$unknown"))
        await tracked.on_reaction("!other", reaction("$b", "@ben:x", ONSITE))  # wrong room
        await tracked.on_redaction("!room", redaction("$never-seen"))
        assert await store.fetch_all("SELECT * FROM tracked_reactions") == []
        assert calls == []
    finally:
        await store.close()


async def test_a_change_its_owner_was_not_told_of_is_told_after_the_restart(
    tmp_path: Path
) -> None:
    """The bot dies between storing a reaction and telling the check-in (here: the listener
    fails instead); the replayed event changes no row, yet the check-in hears of it once."""
    dies = [True, True]
    calls: list[str] = []

    async def dying(post: TrackedPost, user_id: str, reactions: list[Reaction]) -> None:
        if dies and dies.pop():
            raise RuntimeError("the bot died here")
        calls.append(user_id)

    tracked, store, _ = await tracked_posts(tmp_path, dying)
    try:
        await tracked.on_reaction("!room", reaction("$a", "@ben:x", ONSITE))
        await tracked.on_reaction("!room", reaction("$a", "@ben:x", ONSITE))  # replayed: no row
        assert calls == []
        await tracked.tell_untold("!room")  # what the gap after the restart does
        await tracked.tell_untold("!room")
        assert calls == ["@ben:x"]
        await tracked.on_redaction("!room", redaction("$a"))  # taken back, and the bot dies
        await tracked.on_redaction("!room", redaction("$a"))  # replayed: no row to remove
        await tracked.tell_untold("!room")
        assert calls == ["@ben:x", "@ben:x"]
    finally:
        await store.close()
