"""A small week in the demo community, played by scripted members right after the bot starts,
so a newcomer finds every feature at work: check-ins at two places, the welcome in a direct
chat, introductions, a sync with agenda and answers, a webinar proposed, voted, polled and
scheduled, an evening event, a coffee round with its own room and a focus sprint. The real
clock does not wait for the week: what members do is typed now, and the coffee round
(due tonight) is paired at once by `coffee_round`."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from .demo_config import MEMBERS, ORGANIZER, alias
from .demo_person import Event, Person, body, is_post, short
from .devserver import Account

POLL_START = "org.matrix.msc3381.poll.start"
POLL_RESPONSE = "org.matrix.msc3381.poll.response"
ENCRYPTED = "m.room.encrypted"  # direct chats are; the scripted members read no encryption
YES, MAYBE, ONSITE, THUMBS, JOIN = "\u2705", "\u2754", "\U0001F3E2", "\U0001F44D", "\U0001F64B"
ROOMS = ("general", "coworking", "sync", "webinars", "intros", "offtopic")
ORGA_ROOM = "orga"  # the organizers' room: join requests, new members, who went quiet


class Week:
    def __init__(self, url: str, accounts: dict[str, Account],
                 coffee_round: Callable[[], Awaitable[None]], today: date) -> None:
        bot_id = accounts["cowork-bot"].user_id
        self.people = {name: Person(url, accounts[name], bot_id) for name in (ORGANIZER, *MEMBERS)}
        self.orga, self.anna, self.ben = (self.people[n] for n in (ORGANIZER, *MEMBERS))
        self.coffee_round = coffee_round
        self.today = today
        self.rooms: dict[str, str] = {}
        self.lines: list[str] = []

    def tell(self, line: str) -> None:
        self.lines.append(line)

    async def ask(self, person: Person, room: str, command: str) -> str:
        return body(await self.ask_event(person, room, command) or {})

    async def ask_event(self, person: Person, room: str, command: str) -> Event | None:
        """The bot's answer to the command, told as a spectator reads it."""
        answer = await person.ask(self.rooms[room], command)
        told = short(body(answer)) if answer else "(no answer yet)"
        self.tell(f"  {person.name}: {command}\n       bot: {told}")
        return answer

    async def play(self) -> list[str]:
        try:
            if not await self.arrive():
                return ["The bot has not created the demo rooms (see the log file)."]
            for scene in (self.checkin, self.introductions, self.sync, self.webinar,
                          self.event, self.coffee, self.focus):
                await scene()
        finally:
            for person in self.people.values():
                await person.client.close()
        return ["", "A week in the demo community (in German, the community's language):",
                *self.lines]

    async def arrive(self) -> bool:
        await self.orga.sync()
        for key in (*ROOMS, ORGA_ROOM):
            room_id = await self.orga.room(alias(key))
            if room_id is None:
                return False
            self.rooms[key] = room_id
        await self.orga.sync()
        self.tell("Monday: the organizer invites two members into the space")
        for person in (self.anna, self.ben):
            await self.ask(self.orga, "general", f"!invite {person.client.user_id}")
        await asyncio.gather(*(self._join(p) for p in (self.anna, self.ben)))
        return True

    async def _join(self, person: Person) -> None:
        await person.sync()
        for key in ROOMS:
            await person.client.join(self.rooms[key])
        await person.sync()

    async def checkin(self) -> None:
        self.tell("Monday: the daily check-in (react 🏢 on site, 🏠 remote)")
        post = await self.anna.post(self.rooms["coworking"], ONSITE, wait=5)
        if post is None:  # the bot posts it at its time; an organizer can ask for it
            await self.ask(self.orga, "coworking", "!checkin post")
            post = await self.anna.post(self.rooms["coworking"], ONSITE)
        await self.anna.react(self.rooms["coworking"], post, ONSITE)
        self.tell(f"  anna reacted {ONSITE} to today's check-in")
        await self.ask(self.ben, "coworking", "!checkin remote Angebot für die Stadtwerke")
        await self.ask(self.orga, "coworking", "!checkin detmold")
        await self.ask(self.ben, "coworking", "!who")

    async def introductions(self) -> None:
        self.tell("Tuesday: the bot welcomed ben in a direct chat, and introductions")
        known = set(self.rooms.values())
        welcome = await self.ben.wait_in(lambda room: room not in known, is_direct, wait=10)
        self.tell("       bot, to ben: " + ("(not there yet)" if welcome is None else
                                             "(encrypted: only ben's client reads it)"
                                             if welcome["type"] == ENCRYPTED
                                             else short(body(welcome))))
        await self.ask(self.anna, "intros", "!intro Ich bin Anna, Grafikdesignerin aus "
                       "Bielefeld. Ich helfe gern bei Logos und Präsentationen.")
        await self.ask(self.ben, "intros", "!profile skills Python, Angebote, Buchhaltung")

    async def sync(self) -> None:
        self.tell("Wednesday: the monthly sync is announced, with agenda and answers")
        room = self.rooms["sync"]
        await self.ask(self.orga, "sync", "!sync announce")
        post = await self.anna.post(room, YES)
        await self.ask(self.anna, "sync", "!agenda add Neue Kaffeemaschine für den Raum")
        await self.anna.react(room, post, YES)
        await self.ben.react(room, post, MAYBE)
        self.tell(f"  anna answered {YES}, ben {MAYBE}")

    async def webinar(self) -> None:
        self.tell("Thursday: a webinar is proposed, voted, polled and scheduled")
        room = self.rooms["webinars"]
        answer = await self.ask(self.anna, "webinars", "!webinar propose Git für Einsteiger | "
                                "Versionen, Branches und Pull Requests in einer Stunde")
        found = re.search(r"#(\d+)", answer)
        number = found[1] if found else "1"
        proposal = await self.ben.post(room, "Git")
        for person in (self.orga, self.ben):
            await person.react(room, proposal, THUMBS)
        self.tell(f"  orga and ben voted {THUMBS}")
        first, second = self.today + timedelta(days=7), self.today + timedelta(days=8)
        await self.ask(self.anna, "webinars",
                       f"!webinar poll {number} {first} 18:00 | {second} 18:00")
        poll = await self.ben.wait_for(room, lambda e: e.get("type") == POLL_START)
        if poll is not None:
            for person in (self.orga, self.ben):
                await person.send(room, POLL_RESPONSE, {
                    "m.relates_to": {"rel_type": "m.reference", "event_id": poll["event_id"]},
                    POLL_RESPONSE: {"answers": ["slot-1"]}})
            self.tell(f"  orga and ben chose {first} in the poll")
        await self.ask(self.anna, "webinars", f"!webinar schedule {number} poll")

    async def event(self) -> None:
        self.tell("Thursday: a member plans an evening for everyone")
        day = self.today + timedelta(days=3)
        await self.ask(self.anna, "general", f"!event create Stammtisch | {day} 19:00 | "
                       "Detmold, Café am Markt")

    async def coffee(self) -> None:
        self.tell("Friday: the coffee roulette pairs anna and ben in a room of their own")
        for person in (self.anna, self.ben):
            await self.ask(person, "offtopic", "!coffee join")
        known = {*self.rooms.values(), *self.anna.invited}  # and her direct chat with the bot
        await self.coffee_round()
        welcome = await self.anna.wait_in(
            lambda room: room not in known, lambda e: is_post(e) and body(e).startswith("☕"))
        self.tell("       bot, in their new room: " + (short(body(welcome)) if welcome
                                                       else "(not there yet)"))

    async def focus(self) -> None:
        self.tell("Friday: a focus sprint in the coworking room")
        room = self.rooms["coworking"]
        sprint = await self.ask_event(self.ben, "coworking", "!focus 25 Angebot fertig schreiben")
        await self.anna.react(room, sprint, JOIN)  # the answer is the sprint's post
        self.tell(f"  anna joined with {JOIN}")


def is_direct(event: Event) -> bool:
    """The bot's first words in a direct chat (the welcome conversation's), read or not."""
    return event.get("type") == ENCRYPTED or is_post(event)


async def play(url: str, accounts: dict[str, Account],
               coffee_round: Callable[[], Awaitable[None]], today: date) -> list[str]:
    """Run the week and return what a spectator should read."""
    return await Week(url, accounts, coffee_round, today).play()
