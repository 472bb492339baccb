"""Native Matrix polls (MSC3381) for finding a webinar's date: slots, responses, tally.

The bot sends the unstable `org.matrix.msc3381.poll.start` that Element shows as a poll (built,
like all the bot's content, in core/content.py), and reads responses under both names
(`org.matrix.msc3381.poll.response` with `answers`, and the stable `m.poll.response` with
`m.selections`). As the MSC says: a member's latest response (by `origin_server_ts`) is their
vote, even if it is invalid (an unknown answer spoils it); a redacted response falls back to the
one before; responses after the poll closed are not recorded at all (dates.py).
Everything here is pure, so the rules are tested without a homeserver.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

RESPONSE_TYPES = ("org.matrix.msc3381.poll.response", "m.poll.response")
MAX_SLOTS = 10  # MSC3381 allows 20 answers; more dates than this help nobody decide
MAX_ANSWER_ID = 100


@dataclass(frozen=True)
class Slot:
    """One possible date; `answer_id` is the poll answer's id (`slot-1`, ...)."""

    answer_id: str
    start: datetime


@dataclass(frozen=True)
class Response:
    event_id: str
    user_id: str
    answers: tuple[str, ...]
    ts: int  # origin_server_ts, ms


def make_slots(starts: Iterable[datetime]) -> list[Slot]:
    return [Slot(f"slot-{n}", start) for n, start in enumerate(starts, 1)]


def parse_response(event_type: str, content: dict[str, Any]) -> tuple[str, tuple[str, ...]] | None:
    """(poll event id, selected answer ids) of a response event, or None if it is none."""
    if event_type not in RESPONSE_TYPES:
        return None
    relates = content.get("m.relates_to")
    if not isinstance(relates, dict) or relates.get("rel_type") != "m.reference":
        return None
    poll_id = relates.get("event_id")
    unstable = content.get(RESPONSE_TYPES[0])
    answers = unstable.get("answers") if isinstance(unstable, dict) else None
    if answers is None:
        answers = content.get("m.selections")
    if not isinstance(poll_id, str) or not isinstance(answers, list):
        return None
    return poll_id, tuple(str(a)[:MAX_ANSWER_ID] for a in answers[:MAX_SLOTS * 2])


def latest_votes(responses: Iterable[Response]) -> dict[str, Response]:
    """User -> their response that counts: the latest by `origin_server_ts`."""
    latest: dict[str, Response] = {}
    for response in responses:
        held = latest.get(response.user_id)
        if held is None or (response.ts, response.event_id) > (held.ts, held.event_id):
            latest[response.user_id] = response
    return latest


def tally(slots: Sequence[Slot], responses: Iterable[Response]) -> dict[str, int]:
    """Votes per answer id. One selection counts (max_selections 1); a vote naming an
    unknown answer is spoiled, an empty one is no vote."""
    counts = {slot.answer_id: 0 for slot in slots}
    for response in latest_votes(responses).values():
        chosen = response.answers[:1]
        if chosen and chosen[0] in counts:
            counts[chosen[0]] += 1
    return counts


def winner(slots: Sequence[Slot], counts: dict[str, int]) -> Slot | None:
    """The slot with most votes; on a tie the earliest; None while nobody voted."""
    best = max(slots, key=lambda s: (counts.get(s.answer_id, 0), -s.start.timestamp()),
               default=None)
    if best is None or counts.get(best.answer_id, 0) == 0:
        return None
    return best
