"""Saying so when an encrypted message stays unreadable, instead of ignoring the member.

A message the bot cannot decrypt (its key never reached the bot, or encryption support is not
installed) arrives as an encrypted event. The bot answers it with a plain notice, at most once
per room and hour; the time of the last notice per room is kept in the database, so a restart
does not repeat it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from nio import BadEvent, MegolmEvent, UnknownEncryptedEvent

from ..core.chat import txn_for
from ..core.i18n import _
from ..core.store import Migration, Store
from . import EventHandler, Feature

log = logging.getLogger(__name__)

NOTICE_INTERVAL = timedelta(hours=1)

MIGRATIONS = (
    Migration(
        "when each room was last told that a message could not be decrypted",
        "CREATE TABLE encryption_notices (room_id TEXT PRIMARY KEY, sent_at TEXT NOT NULL)",
    ),
)

UNREADABLE = _(
    "I could not read an encrypted message here: its key did not reach me. Please send it "
    "again. If this keeps happening, your app may not know my device yet: closing and "
    "reopening the chat usually helps."
)
UNSUPPORTED = _(
    "I can't read encrypted messages: encryption support is not installed where I run. "
    "Please write to me in an unencrypted room, or ask an organizer to install it "
    "(matrix-nio[e2e])."
)
IDENTITY_LOCKED = _(
    "I can't read encrypted messages right now: my encryption keys were lost where I run, and "
    "I wait for an organizer to restore them with the recovery key. Please write to me in an "
    "unencrypted room meanwhile."
)


def notice_due(last: datetime | None, now: datetime) -> bool:
    """At most one notice per room and `NOTICE_INTERVAL`."""
    return last is None or now - last >= NOTICE_INTERVAL


async def last_notice(store: Store, room_id: str) -> datetime | None:
    row = await store.fetch_one(
        "SELECT sent_at FROM encryption_notices WHERE room_id = ?", (room_id,)
    )
    return datetime.fromisoformat(row["sent_at"]) if row else None


async def record_notice(store: Store, room_id: str, when: datetime) -> None:
    await store.execute(
        "INSERT INTO encryption_notices (room_id, sent_at) VALUES (?, ?) "
        "ON CONFLICT (room_id) DO UPDATE SET sent_at = excluded.sent_at",
        (room_id, when.isoformat()),
    )


class EncryptionFeature(Feature):
    name = "encryption"
    migrations = MIGRATIONS

    def subscriptions(self) -> dict[type, EventHandler]:
        return {
            MegolmEvent: self.on_undecryptable,
            UnknownEncryptedEvent: self.on_undecryptable,
            BadEvent: self.on_bad_event,
        }

    async def start(self) -> None:
        if getattr(self.services.client, "identity_problem", None):
            return  # session.py said what to do
        if self.services.client.olm is None:
            log.warning("encryption support is not available: encrypted rooms stay unreadable")

    async def on_bad_event(self, room_id: str, event: BadEvent) -> None:
        """An encrypted event nio could not even parse is just as unreadable."""
        if event.type == "m.room.encrypted":
            await self.on_undecryptable(room_id, event)

    async def on_undecryptable(self, room_id: str, event: Any) -> None:
        services = self.services
        log.warning("could not decrypt %s from %s in %s", event.event_id, event.sender, room_id)
        now = services.clock.now()
        if not notice_due(await last_notice(services.store, room_id), now):
            return
        text = UNREADABLE if services.client.olm is not None else UNSUPPORTED
        if getattr(services.client, "identity_problem", None):
            text = IDENTITY_LOCKED
        await services.chat.send(room_id, services.i18n.t(text), reply_to=event.event_id,
                                 txn=txn_for("undecryptable", event.event_id))
        await record_notice(services.store, room_id, now)
