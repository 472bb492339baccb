"""The outbox on its own, with a homeserver that answers when the test says: order within a
room, rooms that do not wait for each other, a replayed command queued once, refusals dropped,
rows left at a stop sent at the next start, awaited sends after what was queued."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from nio import ErrorResponse

from matrixcowork.core import outbox as outbox_module
from matrixcowork.core.chat import ChatError
from matrixcowork.core.outbox import Outbox
from matrixcowork.core.store import Store


class Homeserver:
    """Accepts each event when its room is open; remembers what it accepted, per transaction
    id once (as Synapse does)."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, str]] = []  # (room, body)
        self.by_txn: dict[str, str] = {}
        self.closed: set[str] = set()
        self.opened = asyncio.Event()
        self.refuse: dict[str, ChatError] = {}

    async def deliver(self, room_id: str, event_type: str, content: dict[str, Any],
                      txn: str) -> str:
        while room_id in self.closed:
            self.opened.clear()
            await self.opened.wait()
        if content["body"] in self.refuse:
            raise self.refuse.pop(content["body"])
        if txn not in self.by_txn:
            self.by_txn[txn] = f"$ev{len(self.by_txn)}"
            self.accepted.append((room_id, content["body"]))
        return self.by_txn[txn]

    def open(self, room_id: str) -> None:
        self.closed.discard(room_id)
        self.opened.set()


async def put(box: Outbox, room: str, body: str, txn: str | None = None) -> None:
    await box.put(room, "m.room.message", {"body": body}, txn or f"txn-{room}-{body}")


@pytest.fixture
async def store(tmp_path: Path):
    store = await Store.open(tmp_path / "t.db")
    yield store
    await store.close()


@pytest.fixture
def server() -> Homeserver:
    return Homeserver()


@pytest.fixture
async def box(store: Store, server: Homeserver):
    """A running outbox on the test's homeserver; stopped at the end whatever the test did."""
    box = Outbox(store, server.deliver)
    await box.start()
    yield box
    await box.stop()


async def test_rows_go_in_order_per_room_and_a_busy_room_holds_up_no_other(
    store, server, box
) -> None:
    server.closed.add("!a")  # room A's sends hang (rate limited, say)
    for n in range(10):
        await put(box, "!a", f"a{n}")
    await put(box, "!b", "b0")
    await asyncio.wait_for(box._until(lambda: box.queued("!b") == 0), 5)

    assert server.accepted == [("!b", "b0")] and box.queued("!a") == 10
    server.open("!a")
    await asyncio.wait_for(box.drained(), 5)
    assert [body for room, body in server.accepted if room == "!a"] == [
        f"a{n}" for n in range(10)]
    assert await store.fetch_all("SELECT * FROM outbox") == []


async def test_a_replayed_reply_is_queued_once(server, box) -> None:
    server.closed.add("!a")
    await put(box, "!a", "answer", txn="same")
    await put(box, "!a", "answer", txn="same")
    assert box.queued() == 1
    server.open("!a")
    await asyncio.wait_for(box.drained(), 5)
    assert server.accepted == [("!a", "answer")]


async def test_what_a_stop_left_is_sent_at_the_next_start_once(store, server, box) -> None:
    server.closed.add("!a")
    await put(box, "!a", "first")
    await put(box, "!a", "second")
    await asyncio.sleep(0.05)
    await box.stop()  # the bot dies with both queued (one of them mid-send)
    assert server.accepted == []

    server.open("!a")
    again = Outbox(store, server.deliver)
    await again.start()
    await asyncio.wait_for(again.drained(), 5)
    assert server.accepted == [("!a", "first"), ("!a", "second")]
    await again.stop()


async def test_a_refusal_drops_the_row_and_a_failing_homeserver_is_tried_again(
    server, box, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "FIRST_BACKOFF", 0.01)
    server.refuse["too big"] = ChatError("send", ErrorResponse("too large", "M_TOO_LARGE"))
    failing = ErrorResponse("bad gateway", "502")
    failing.transport_response = type("R", (), {"status": 502})()  # type: ignore[assignment]
    server.refuse["flaky"] = ChatError("send", failing)
    for body in ("too big", "flaky", "after"):
        await put(box, "!a", body)
    await asyncio.wait_for(box.drained(), 5)

    assert server.accepted == [("!a", "flaky"), ("!a", "after")]


async def test_an_awaited_send_waits_for_what_the_room_had_queued(server, box) -> None:
    server.closed.update({"!a", "!b"})
    await put(box, "!a", "reply")

    async def direct(room: str, body: str) -> None:  # what Chat.send_event does
        await box.caught_up(room)
        server.accepted.append((room, body))

    post = asyncio.create_task(direct("!a", "post"))
    elsewhere = asyncio.create_task(direct("!c", "other room"))
    await asyncio.sleep(0.05)
    assert server.accepted == [("!c", "other room")] and not post.done()
    server.open("!a")
    await asyncio.wait_for(post, 5)
    assert server.accepted[1:] == [("!a", "reply"), ("!a", "post")]
    await elsewhere


async def test_a_reply_waited_for_returns_its_event_id(server, box) -> None:
    await put(box, "!a", "before")
    event_id = await asyncio.wait_for(
        box.put_and_wait("!a", "m.room.message", {"body": "post"}, "post-txn"), 5)
    assert event_id == server.by_txn["post-txn"]
    assert server.accepted == [("!a", "before"), ("!a", "post")]


async def test_a_send_waiting_for_its_room_goes_on_when_the_outbox_stops(server, box) -> None:
    """At shutdown an edit may be waiting for replies that will now go out at the next start:
    it must not wait for ever (the bot's stop would hang)."""
    server.closed.add("!a")
    await put(box, "!a", "reply")
    waiting = asyncio.create_task(box.caught_up("!a"))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await box.stop()
    await asyncio.wait_for(waiting, 5)
    assert server.accepted == [] and box.queued("!a") == 1
