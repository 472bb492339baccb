"""Webinars, their date polls and the responses to them, behind verbs.

A webinar starts as a proposal (its speaker is whoever proposed it), becomes `scheduled` with a
meeting occurrence of kind "webinar", and ends `held` or `cancelled`. The people feature counts
"webinars given" from this table (`speaker_id`, `status = 'held'`). Votes for a proposal are
the 👍 reactions to its tracked post, not rows here. Poll responses are stored by their own
event id, so a replayed sync changes nothing and a redaction removes exactly one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ...core.store import Migration, Store
from ...meetings.db import from_utc_text, utc_text
from .poll import Response, Slot

PROPOSED, SCHEDULED, HELD, CANCELLED = "proposed", "scheduled", "held", "cancelled"

MIGRATIONS = (
    Migration(
        "webinars, their date polls, poll responses and public announcements",
        """
        CREATE TABLE webinars (
            id INTEGER PRIMARY KEY,
            source_event_id TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            speaker_id TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'proposed'
                CHECK (status IN ('proposed', 'scheduled', 'held', 'cancelled')),
            proposed_at INTEGER NOT NULL,
            proposal_room_id TEXT,
            proposal_event_id TEXT,
            occurrence_id INTEGER UNIQUE,
            sequence INTEGER NOT NULL DEFAULT 0,
            interest_told INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX webinars_by_status ON webinars (status, id);
        CREATE TABLE webinar_polls (
            event_id TEXT PRIMARY KEY,
            webinar_id INTEGER NOT NULL REFERENCES webinars (id),
            room_id TEXT NOT NULL,
            slots TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            closed_at INTEGER
        );
        CREATE INDEX webinar_polls_by_webinar ON webinar_polls (webinar_id, created_at);
        CREATE TABLE webinar_poll_responses (
            event_id TEXT PRIMARY KEY,
            poll_event_id TEXT NOT NULL REFERENCES webinar_polls (event_id),
            user_id TEXT NOT NULL,
            answers TEXT NOT NULL,
            ts INTEGER NOT NULL
        );
        CREATE INDEX webinar_poll_responses_by_poll ON webinar_poll_responses (poll_event_id);
        CREATE TABLE webinar_public_posts (
            event_id TEXT PRIMARY KEY,
            webinar_id INTEGER NOT NULL REFERENCES webinars (id),
            room_id TEXT NOT NULL
        );
        """,
    ),
)


@dataclass(frozen=True)
class Webinar:
    id: int
    title: str
    description: str
    speaker_id: str
    status: str
    proposed_at: int
    proposal_room_id: str | None
    proposal_event_id: str | None
    occurrence_id: int | None
    sequence: int
    interest_told: bool


@dataclass(frozen=True)
class Poll:
    event_id: str
    webinar_id: int
    room_id: str
    slots: tuple[Slot, ...]
    created_at: int
    closed_at: int | None  # ms; responses after it do not count

    def slot(self, answer_id: str) -> Slot | None:
        return next((s for s in self.slots if s.answer_id == answer_id), None)


# --- webinars ---------------------------------------------------------------------------------

async def propose(store: Store, source_event_id: str, title: str, description: str,
                  speaker_id: str, at: int) -> Webinar:
    """The proposal made by this command; made once even if the command is replayed."""
    await store.execute(
        "INSERT OR IGNORE INTO webinars (source_event_id, title, description, speaker_id, "
        "proposed_at) VALUES (?, ?, ?, ?, ?)",
        (source_event_id, title, description, speaker_id, at),
    )
    row = await store.fetch_one(
        "SELECT * FROM webinars WHERE source_event_id = ?", (source_event_id,)
    )
    return _webinar(row)


async def proposed_by_command(store: Store, source_event_id: str) -> bool:
    row = await store.fetch_one(
        "SELECT 1 FROM webinars WHERE source_event_id = ?", (source_event_id,)
    )
    return row is not None


async def open_proposals_of(store: Store, speaker_id: str) -> int:
    row = await store.fetch_one(
        "SELECT COUNT(*) AS n FROM webinars WHERE speaker_id = ? AND status = ?",
        (speaker_id, PROPOSED),
    )
    return row["n"] if row else 0


async def get(store: Store, webinar_id: int) -> Webinar | None:
    row = await store.fetch_one("SELECT * FROM webinars WHERE id = ?", (webinar_id,))
    return _webinar(row) if row else None


async def by_occurrence(store: Store, occurrence_id: int) -> Webinar | None:
    row = await store.fetch_one(
        "SELECT * FROM webinars WHERE occurrence_id = ?", (occurrence_id,)
    )
    return _webinar(row) if row else None


async def with_status(store: Store, status: str) -> list[Webinar]:
    rows = await store.fetch_all(
        "SELECT * FROM webinars WHERE status = ? ORDER BY id", (status,)
    )
    return [_webinar(row) for row in rows]


async def set_proposal_post(store: Store, webinar_id: int, room_id: str, event_id: str) -> None:
    await store.execute(
        "UPDATE webinars SET proposal_room_id = ?, proposal_event_id = ? WHERE id = ?",
        (room_id, event_id, webinar_id),
    )


async def mark_interest_told(store: Store, webinar_id: int) -> bool:
    """True the first time only: the proposer hears once that there is enough interest."""
    return bool(await store.execute(
        "UPDATE webinars SET interest_told = 1 WHERE id = ? AND interest_told = 0",
        (webinar_id,),
    ))


async def schedule(store: Store, webinar_id: int, occurrence_id: int) -> None:
    await store.execute(
        "UPDATE webinars SET status = ?, occurrence_id = ? WHERE id = ?",
        (SCHEDULED, occurrence_id, webinar_id),
    )


async def changed(store: Store, webinar_id: int) -> None:
    """Its date changed: calendars see a new SEQUENCE."""
    await store.execute(
        "UPDATE webinars SET sequence = sequence + 1 WHERE id = ?", (webinar_id,)
    )


async def cancel(store: Store, webinar_id: int) -> None:
    """Cancelled; a webinar already in calendars gets a new SEQUENCE with its new status."""
    await store.execute(
        "UPDATE webinars SET status = ?, sequence = sequence + "
        "(CASE WHEN occurrence_id IS NULL THEN 0 ELSE 1 END) WHERE id = ?",
        (CANCELLED, webinar_id),
    )


async def mark_held(store: Store, webinar_id: int) -> None:
    await store.execute(
        "UPDATE webinars SET status = ? WHERE id = ? AND status = ?",
        (HELD, webinar_id, SCHEDULED),
    )


# --- polls ------------------------------------------------------------------------------------

async def add_poll(store: Store, event_id: str, webinar_id: int, room_id: str,
                   slots: list[Slot], at: int) -> None:
    encoded = json.dumps([[s.answer_id, utc_text(s.start)] for s in slots])
    await store.execute(
        "INSERT OR IGNORE INTO webinar_polls (event_id, webinar_id, room_id, slots, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (event_id, webinar_id, room_id, encoded, at),
    )


async def latest_poll(store: Store, webinar_id: int) -> Poll | None:
    row = await store.fetch_one(
        "SELECT * FROM webinar_polls WHERE webinar_id = ? ORDER BY created_at DESC, rowid DESC "
        "LIMIT 1",
        (webinar_id,),
    )
    return _poll(row) if row else None


async def poll(store: Store, event_id: str) -> Poll | None:
    row = await store.fetch_one("SELECT * FROM webinar_polls WHERE event_id = ?", (event_id,))
    return _poll(row) if row else None


async def open_polls(store: Store, room_id: str) -> list[Poll]:
    rows = await store.fetch_all(
        "SELECT * FROM webinar_polls WHERE room_id = ? AND closed_at IS NULL", (room_id,)
    )
    return [_poll(row) for row in rows]


async def close_poll(store: Store, event_id: str, at_ms: int) -> bool:
    """True if it was open."""
    return bool(await store.execute(
        "UPDATE webinar_polls SET closed_at = ? WHERE event_id = ? AND closed_at IS NULL",
        (at_ms, event_id),
    ))


# --- poll responses ---------------------------------------------------------------------------

async def record_response(store: Store, poll_event_id: str, response: Response) -> bool:
    """True if this response event is new."""
    return bool(await store.execute(
        "INSERT OR IGNORE INTO webinar_poll_responses "
        "(event_id, poll_event_id, user_id, answers, ts) VALUES (?, ?, ?, ?, ?)",
        (response.event_id, poll_event_id, response.user_id, json.dumps(response.answers),
         response.ts),
    ))


async def forget_response(store: Store, event_id: str) -> bool:
    """A redacted response: the member's vote falls back to their one before."""
    return bool(await store.execute(
        "DELETE FROM webinar_poll_responses WHERE event_id = ?", (event_id,)
    ))


async def responses(store: Store, poll_event_id: str) -> list[Response]:
    rows = await store.fetch_all(
        "SELECT * FROM webinar_poll_responses WHERE poll_event_id = ? ORDER BY ts, event_id",
        (poll_event_id,),
    )
    return [Response(r["event_id"], r["user_id"], tuple(json.loads(r["answers"])), r["ts"])
            for r in rows]


# --- announcements in public rooms ------------------------------------------------------------

async def add_public_post(store: Store, webinar_id: int, room_id: str, event_id: str) -> None:
    await store.execute(
        "INSERT OR IGNORE INTO webinar_public_posts (event_id, webinar_id, room_id) "
        "VALUES (?, ?, ?)",
        (event_id, webinar_id, room_id),
    )


async def public_posts(store: Store, webinar_id: int) -> list[tuple[str, str]]:
    """(room id, event id) of its announcements in public rooms."""
    rows = await store.fetch_all(
        "SELECT room_id, event_id FROM webinar_public_posts WHERE webinar_id = ? ORDER BY rowid",
        (webinar_id,),
    )
    return [(row["room_id"], row["event_id"]) for row in rows]


def _webinar(row: Any) -> Webinar:
    return Webinar(
        id=row["id"], title=row["title"], description=row["description"],
        speaker_id=row["speaker_id"], status=row["status"], proposed_at=row["proposed_at"],
        proposal_room_id=row["proposal_room_id"], proposal_event_id=row["proposal_event_id"],
        occurrence_id=row["occurrence_id"], sequence=row["sequence"],
        interest_told=bool(row["interest_told"]),
    )


def _poll(row: Any) -> Poll:
    slots = tuple(Slot(answer_id, from_utc_text(start))
                  for answer_id, start in json.loads(row["slots"]))
    return Poll(row["event_id"], row["webinar_id"], row["room_id"], slots, row["created_at"],
                row["closed_at"])
