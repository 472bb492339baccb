"""Which steps of a meeting are due: pure rules, so restarts and downtime are easy to test.

Every occurrence has the steps announce, one reminder per lead time, start and end. A step is
due from its time on and runs at most once (the store records it). A step missed while the bot
was down runs late while it still makes sense and is recorded as skipped otherwise:

- announce and reminders make sense until the start, the start post until the end, the end
  (widget removal and summary) at any time after the end;
- of several reminders due at once only the last runs, and none runs together with a late
  announcement: one message then says it all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

ANNOUNCE = "announce"
START = "start"
END = "end"
REMINDER = "reminder:"


@dataclass(frozen=True)
class Timing:
    """When, relative to the start, a kind of meeting is announced and reminded."""

    announce_before: timedelta
    remind_before: tuple[timedelta, ...] = ()


@dataclass(frozen=True)
class Step:
    name: str
    at: datetime
    closes: datetime | None  # from then on it no longer makes sense; None: never

    @property
    def is_reminder(self) -> bool:
        return self.name.startswith(REMINDER)


def lead_name(lead: timedelta) -> str:
    """`reminder:1d`, `reminder:15m`, `reminder:1h30m`: stable names for the store."""
    minutes = int(lead.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    return REMINDER + ("".join(parts) or "0m")


def plan(start: datetime, duration: timedelta, timing: Timing) -> list[Step]:
    """The steps of one occurrence, in time order."""
    end = start + duration
    steps = [Step(ANNOUNCE, start - timing.announce_before, start)]
    for lead in sorted(set(timing.remind_before), reverse=True):
        steps.append(Step(lead_name(lead), start - lead, start))
    steps += [Step(START, start, end), Step(END, end, None)]
    return steps


def decide(steps: Sequence[Step], recorded: Iterable[str], now: datetime
           ) -> list[tuple[Step, bool]]:
    """The steps to handle now, in order, each with True (run it) or False (skip it)."""
    done = set(recorded)
    pending = [s for s in steps if s.name not in done and s.at <= now]
    open_ = [s for s in pending if s.closes is None or now < s.closes]
    late_announce = any(s.name == ANNOUNCE for s in open_)
    last_reminder = next((s for s in reversed(open_) if s.is_reminder), None)
    decisions = []
    for step in pending:
        run = step in open_ and not (
            step.is_reminder and (late_announce or step is not last_reminder)
        )
        decisions.append((step, run))
    return decisions


def next_time(steps: Sequence[Step], recorded: Iterable[str]) -> datetime | None:
    """When the first step not yet handled is due."""
    done = set(recorded)
    return min((s.at for s in steps if s.name not in done), default=None)
