"""What one feature offers another, so that no feature imports another or touches its tables.

An `Offer` is a named function with a fallback. The feature whose data it is provides it when
it is built (`services.offers.provide(LAST_COWORKING_DAY, ...)`); the feature that needs it calls
`services.offers.get(LAST_COWORKING_DAY)(user_id)` when it runs, after every enabled feature is
built, and gets the fallback while no enabled feature provides it; `provided` tells whether
one does: without the check-in, `!whois` leaves the last coworking day out. The offers are
listed here because they are the contract between two features; the SQL behind them stays with
the feature that owns the table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


@dataclass(frozen=True)
class Offer(Generic[F]):
    name: str
    fallback: F


class Offers:
    def __init__(self) -> None:
        self._provided: dict[str, Callable[..., Awaitable[Any]]] = {}

    def provide(self, offer: Offer[F], function: F) -> None:
        if offer.name in self._provided:
            raise ValueError(f"'{offer.name}' is provided twice")
        self._provided[offer.name] = function

    def get(self, offer: Offer[F]) -> F:
        return self._provided.get(offer.name, offer.fallback)  # type: ignore[return-value]

    def provided(self, offer: Offer[F]) -> bool:
        """Whether an enabled feature provides it: a text leaves out what no feature tells."""
        return offer.name in self._provided


async def _no_day(user_id: str) -> date | None:
    return None


async def _none_given(user_id: str) -> int:
    return 0


async def _no_card(user_id: str) -> str | None:
    return None


async def _not_kept(user_id: str, since: date, how: str) -> None:
    return None


async def _no_plans(first: date, last: date) -> list[tuple[date, str, str]]:
    return []


async def _not_in_round(user_id: str, on: bool) -> None:
    return None


async def _no_actions() -> dict[str, list[tuple[int, str]]]:
    return {}


LAST_COWORKING_DAY: Offer[Callable[[str], Awaitable[date | None]]] = Offer(
    "last coworking day", _no_day)  # the check-in's
WEBINARS_GIVEN: Offer[Callable[[str], Awaitable[int]]] = Offer(
    "webinars given", _none_given)  # the webinars': held ones with the member as speaker
MEMBER_CARD: Offer[Callable[[str], Awaitable[str | None]]] = Offer(
    "member card", _no_card)  # people's: the member's card, or that they have none yet
KNOW_MEMBER: Offer[Callable[[str, date, str], Awaitable[None]]] = Offer(
    "know a member", _not_kept)  # people's: the first day the bot knew them, and how
OPEN_ACTIONS: Offer[Callable[[], Awaitable[dict[str, list[tuple[int, str]]]]]] = Offer(
    "open actions", _no_actions)  # the minutes': owner -> (number, text) of their open actions
UPDATE_ROUND: Offer[Callable[[str, bool], Awaitable[None]]] = Offer(
    "update round", _not_in_round)  # the updates': a member in (True) or out of the round


# --- what the weekly digest and the quiet members read (issue 22) ---------------------------

@dataclass(frozen=True)
class CheckinWeek:
    """Check-ins of some days: rows by mode, and how many people."""

    onsite: int
    remote: int
    members: int


@dataclass(frozen=True)
class NextMeeting:
    """The next sync as the digest shows it: when, how many said yes, its agenda."""

    title: str
    start: datetime
    yes: int
    agenda: tuple[str, ...]


@dataclass(frozen=True)
class WebinarNews:
    """Webinars with a date from now on, and proposals still short of 👍."""

    scheduled: tuple[tuple[str, datetime], ...]
    proposals: tuple[tuple[int, str, int], ...]  # (number, title, votes so far)
    threshold: int


@dataclass(frozen=True)
class NewMember:
    user_id: str
    line: str | None  # a line from their card, None before they introduced themselves


@dataclass(frozen=True)
class CoffeeResult:
    """The last coffee round of some days: its groups and how many met."""

    day: date
    groups: int
    met: int


async def _no_week(first: date, last: date) -> CheckinWeek | None:
    return None


async def _no_meeting(now: datetime) -> NextMeeting | None:
    return None


async def _no_news(now: datetime, proposed_since: datetime) -> WebinarNews | None:
    return None


async def _nobody_new(first: date, last: date) -> list[NewMember]:
    return []


async def _no_coffee_round(first: date, last: date) -> CoffeeResult | None:
    return None


MEMBER_CARD_IF_ANY: Offer[Callable[[str], Awaitable[str | None]]] = Offer(
    "member card if any", _no_card)  # people's: the card, None while they have no profile


async def _not_written(user_id: str, field: str, text: str) -> str | None:
    return "not kept"


async def _not_posted(user_id: str, txn: str) -> str | None:
    return None


async def _not_joined(user_id: str) -> bool:
    return False


CHECKINS_BETWEEN: Offer[Callable[[date, date], Awaitable[CheckinWeek | None]]] = Offer(
    "check-ins between", _no_week)  # the check-in's: from first to last, both included
NEXT_SYNC: Offer[Callable[[datetime], Awaitable[NextMeeting | None]]] = Offer(
    "next sync", _no_meeting)  # the sync's: the next one not over, never created by asking
WEBINAR_NEWS: Offer[Callable[[datetime, datetime], Awaitable[WebinarNews | None]]] = Offer(
    "webinar news", _no_news)  # the webinars': scheduled from now, proposals made since
NEW_MEMBERS: Offer[Callable[[date, date], Awaitable[list[NewMember]]]] = Offer(
    "new members", _nobody_new)  # people's: first known from first to last
COFFEE_RESULT: Offer[Callable[[date, date], Awaitable[CoffeeResult | None]]] = Offer(
    "coffee result", _no_coffee_round)  # the coffee's: the latest round in these days
LAST_COFFEE_DAY: Offer[Callable[[str], Awaitable[date | None]]] = Offer(
    "last coffee day", _no_day)  # the coffee's: the member's latest round


WRITE_PROFILE: Offer[Callable[[str, str, str], Awaitable[str | None]]] = Offer(
    "write a profile field", _not_written)
"""people's: set `intro`, `skills` (comma-separated), `offer`, `seek` or `place` from what the
member wrote, checked as `!intro`/`!profile` check it; None when saved, else the problem in
the community's language."""
POST_INTRO: Offer[Callable[[str, str], Awaitable[str | None]]] = Offer(
    "post the introduction card", _not_posted)
"""people's: post or update the card (txn); the name of the room it is in, None if not posted."""
JOIN_COFFEE: Offer[Callable[[str], Awaitable[bool]]] = Offer(
    "join the coffee roulette", _not_joined)  # coffee's: take part (True: in it now)


async def _not_told(user_id: str) -> None:
    return None


CARD_POSTED: Offer[Callable[[str], Awaitable[None]]] = Offer(
    "a card was posted", _not_told)  # requests': the organizers' note about the join shows it
PLANS_BETWEEN: Offer[Callable[[date, date], Awaitable[list[tuple[date, str, str]]]]] = Offer(
    "plans between", _no_plans)  # the check-in's: (day, user id, place name) from first to last


async def _all_in_the_room() -> dict[str, str]:
    return {}


REMINDER_CHOICES: Offer[Callable[[], Awaitable[dict[str, str]]]] = Offer(
    "reminder choices", _all_in_the_room)
"""The reminders': member -> "dm" or "off" for who chose so; everyone else is reminded in the
meeting's room."""
