"""A per-member command budget: a token bucket per sender, so one member's flood cannot stall
the bot for everyone.

Each sender may type `commands` commands within `seconds` (the bucket refills evenly); the
first command over the budget is answered once with a friendly "slow down", every further one
until a token is back is ignored without a word. Organizers and moderators (trusted by the
config) are exempt. Real time (monotonic), not the community clock: floods happen now.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

MAX_SENDERS = 10_000  # the buckets of senders idle longest are dropped past this


class Verdict(Enum):
    RUN = "run"
    SLOW_DOWN = "slow down"  # over the budget: answer once
    IGNORE = "ignore"  # over the budget and already told


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class CommandBudget:
    def __init__(self, commands: int, seconds: float,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(commands)
        self.rate = commands / seconds
        self._now = now
        self._buckets: dict[str, _Bucket] = {}

    def take(self, sender: str) -> Verdict:
        now = self._now()
        bucket = self._buckets.pop(sender, None) or _Bucket(self.capacity, now)
        self._buckets[sender] = bucket  # most recently used last
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if len(self._buckets) > MAX_SENDERS:
            del self._buckets[next(iter(self._buckets))]
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Verdict.RUN
        if bucket.warned:
            return Verdict.IGNORE
        bucket.warned = True
        return Verdict.SLOW_DOWN
