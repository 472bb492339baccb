"""The tracked posts' tables behind verbs: posts by event id, reactions keyed by their own
event id, and the "untold" marks (see `tracked.py` for what they mean)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .store import Migration, Store

MIGRATIONS = (
    Migration(
        "tracked bot posts and the reactions to them",
        """
        CREATE TABLE tracked_posts (
            event_id TEXT PRIMARY KEY,
            room_id TEXT NOT NULL,
            feature TEXT NOT NULL,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            created_on TEXT NOT NULL,
            open_until TEXT
        );
        CREATE INDEX tracked_posts_by_subject ON tracked_posts (feature, kind, subject);
        CREATE INDEX tracked_posts_by_room ON tracked_posts (room_id, open_until);
        CREATE TABLE tracked_reactions (
            reaction_id TEXT PRIMARY KEY,
            post_id TEXT NOT NULL REFERENCES tracked_posts (event_id) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            key TEXT NOT NULL,
            ts INTEGER NOT NULL
        );
        CREATE INDEX tracked_reactions_by_post ON tracked_reactions (post_id, user_id, key);
        """,
    ),
    Migration(
        "whose reactions changed without their post's feature being told yet",
        """
        CREATE TABLE tracked_untold (
            post_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            PRIMARY KEY (post_id, user_id)
        );
        CREATE TRIGGER tracked_untold_on_insert AFTER INSERT ON tracked_reactions BEGIN
            INSERT OR IGNORE INTO tracked_untold (post_id, user_id)
            VALUES (NEW.post_id, NEW.user_id);
        END;
        CREATE TRIGGER tracked_untold_on_delete AFTER DELETE ON tracked_reactions BEGIN
            INSERT OR IGNORE INTO tracked_untold (post_id, user_id)
            VALUES (OLD.post_id, OLD.user_id);
        END;
        """,
    ),
)


@dataclass(frozen=True)
class TrackedPost:
    event_id: str
    room_id: str
    feature: str
    kind: str
    subject: str
    created_on: date
    open_until: date | None

    def is_open(self, today: date) -> bool:
        return self.open_until is None or today <= self.open_until


@dataclass(frozen=True)
class Reaction:
    """One user's reaction with one (normalised) key; `ts` is when it first appeared (ms)."""

    user_id: str
    key: str
    ts: int


async def add_post(store: Store, post: TrackedPost) -> None:
    await store.execute(
        "INSERT OR IGNORE INTO tracked_posts "
        "(event_id, room_id, feature, kind, subject, created_on, open_until) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (post.event_id, post.room_id, post.feature, post.kind, post.subject,
         post.created_on.isoformat(),
         post.open_until.isoformat() if post.open_until else None),
    )


async def set_open_until(store: Store, event_id: str, open_until: date | None) -> None:
    await store.execute(
        "UPDATE tracked_posts SET open_until = ? WHERE event_id = ?",
        (open_until.isoformat() if open_until else None, event_id),
    )


async def post(store: Store, event_id: str) -> TrackedPost | None:
    rows = await store.fetch_all("SELECT * FROM tracked_posts WHERE event_id = ?", (event_id,))
    return _post(rows[0]) if rows else None


async def first_post(store: Store, feature: str, kind: str, subject: str
                     ) -> TrackedPost | None:
    row = await store.fetch_one(
        "SELECT * FROM tracked_posts WHERE feature = ? AND kind = ? AND subject = ? "
        "ORDER BY rowid LIMIT 1",
        (feature, kind, subject),
    )
    return _post(row) if row else None


async def owned(store: Store, feature: str, kind: str, event_ids: Iterable[str]) -> set[str]:
    ids = list(event_ids)
    if not ids:
        return set()
    rows = await store.fetch_all(
        f"SELECT event_id FROM tracked_posts WHERE feature = ? AND kind = ? "
        f"AND event_id IN ({','.join('?' * len(ids))})",
        (feature, kind, *ids),
    )
    return {row["event_id"] for row in rows}


async def reactions(store: Store, post_id: str, user_id: str | None = None) -> list[Reaction]:
    """Distinct (user, key) reactions to the post, oldest first, whoever made them."""
    rows = await store.fetch_all(
        "SELECT user_id, key, MIN(ts) AS ts FROM tracked_reactions "
        "WHERE post_id = ? AND (? IS NULL OR user_id = ?) "
        "GROUP BY user_id, key ORDER BY ts, user_id, key",
        (post_id, user_id, user_id),
    )
    return [Reaction(row["user_id"], row["key"], row["ts"]) for row in rows]


async def reactions_by(store: Store, user_id: str, kind: str) -> dict[str, list[Reaction]]:
    rows = await store.fetch_all(
        "SELECT p.subject, r.key, MIN(r.ts) AS ts FROM tracked_posts p "
        "JOIN tracked_reactions r ON r.post_id = p.event_id "
        "WHERE p.kind = ? AND r.user_id = ? "
        "GROUP BY p.event_id, r.key ORDER BY p.subject, ts",
        (kind, user_id),
    )
    found: dict[str, list[Reaction]] = {}
    for row in rows:
        found.setdefault(row["subject"], []).append(Reaction(user_id, row["key"], row["ts"]))
    return found


async def add_reaction(store: Store, reaction_id: str, post_id: str, reaction: Reaction
                       ) -> bool:
    """Whether it was new (a replayed reaction changes nothing)."""
    return bool(await store.execute(
        "INSERT OR IGNORE INTO tracked_reactions (reaction_id, post_id, user_id, key, ts) "
        "VALUES (?, ?, ?, ?, ?)",
        (reaction_id, post_id, reaction.user_id, reaction.key, reaction.ts),
    ))


async def reaction_target(store: Store, reaction_id: str) -> tuple[str, str] | None:
    """(post id, user id) of a stored reaction."""
    row = await store.fetch_one(
        "SELECT post_id, user_id FROM tracked_reactions WHERE reaction_id = ?", (reaction_id,)
    )
    return (row["post_id"], row["user_id"]) if row else None


async def remove_reaction(store: Store, reaction_id: str) -> None:
    await store.execute("DELETE FROM tracked_reactions WHERE reaction_id = ?", (reaction_id,))


async def replace_reactions(store: Store, post_id: str, server: dict[str, Reaction],
                            keep_stored: bool) -> None:
    """Make the post's rows those of `server` (by reaction id), in one transaction; with
    `keep_stored`, only add the missing ones."""
    async with store.transaction() as db:
        cursor = await db.execute(
            "SELECT reaction_id FROM tracked_reactions WHERE post_id = ?", (post_id,)
        )
        stored = {row["reaction_id"] for row in await cursor.fetchall()}
        for reaction_id in set() if keep_stored else stored - server.keys():
            await db.execute(
                "DELETE FROM tracked_reactions WHERE reaction_id = ?", (reaction_id,)
            )
        for reaction_id in server.keys() - stored:
            reaction = server[reaction_id]
            await db.execute(
                "INSERT INTO tracked_reactions (reaction_id, post_id, user_id, key, ts) "
                "VALUES (?, ?, ?, ?, ?)",
                (reaction_id, post_id, reaction.user_id, reaction.key, reaction.ts),
            )


async def posts_since(store: Store, room_id: str, since: date) -> list[TrackedPost]:
    """The room's posts still open or closed on or after `since`."""
    rows = await store.fetch_all(
        "SELECT * FROM tracked_posts WHERE room_id = ? "
        "AND (open_until IS NULL OR open_until >= ?)",
        (room_id, since.isoformat()),
    )
    return [_post(row) for row in rows]


async def untold(store: Store, room_id: str) -> list[tuple[TrackedPost, str]]:
    """(post, user) of the room whose change the post's feature was not told yet."""
    rows = await store.fetch_all(
        "SELECT p.*, u.user_id AS untold FROM tracked_untold u "
        "JOIN tracked_posts p ON p.event_id = u.post_id WHERE p.room_id = ? "
        "ORDER BY p.event_id, u.user_id",
        (room_id,),
    )
    return [(_post(row), row["untold"]) for row in rows]


async def told(store: Store, post_id: str, user_id: str) -> None:
    await store.execute(
        "DELETE FROM tracked_untold WHERE post_id = ? AND user_id = ?", (post_id, user_id)
    )


def _post(row: Any) -> TrackedPost:
    return TrackedPost(
        event_id=row["event_id"],
        room_id=row["room_id"],
        feature=row["feature"],
        kind=row["kind"],
        subject=row["subject"],
        created_on=date.fromisoformat(row["created_on"]),
        open_until=date.fromisoformat(row["open_until"]) if row["open_until"] else None,
    )
