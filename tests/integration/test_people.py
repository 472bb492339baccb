"""Stories of introductions, profiles, `!whois` and `!find` against a real homeserver."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.helpers import Bot, Member, Seen, berlin, unique

from .people_world import nick, shared_room
from .space_world import (
    barrier,
    invite_into_space,
    join,
    provisioned_community,
    welcome_of,
)


@dataclass
class Lobby:
    """A room Anna made (the introductions room, also the check-in room), with Ben and Cem."""

    bot: Bot
    room: str
    anna: Member
    ben: Member
    cem: Member

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.bot.services.store.fetch_all(sql, params)]


async def lobby(make_bot, members: dict[str, Member], **config: Any) -> Lobby:
    alias = unique("intros")
    bot = make_bot(rooms=[{"key": "intros", "name": "Vorstellungsrunde", "alias": alias}],
                   people={"intro_room": "intros"}, **config)
    await bot.start()
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    room = await shared_room(bot, alias, anna, ben, cem)
    return Lobby(bot, room, anna, ben, cem)


def from_bot(bot: Bot, room: str, seen: Seen) -> bool:
    return seen.room_id == room and getattr(seen.event, "sender", None) == bot.user_id


def edit_of(seen: Seen) -> str | None:
    relates = seen.content.get("m.relates_to") or {}
    return relates.get("event_id") if relates.get("rel_type") == "m.replace" else None


async def test_intro_posts_a_card_and_profile_changes_edit_it(
    make_bot, members: dict[str, Member]
) -> None:
    world = await lobby(make_bot, members)
    anna, ben = world.anna, world.ben

    answer = await ben.ask(world.room, "!intro Ich baue Möbel in Detmold. *Nicht fett*")
    assert answer.body == "Thanks! Your introduction is in Vorstellungsrunde."
    card = await anna.wait_for(lambda s: from_bot(world.bot, world.room, s)
                               and "Ich baue Möbel" in s.body and not s.reply_to)
    assert card.body.startswith(f"👋 {nick(ben)}")
    assert "*Nicht fett*" in card.body and "<em>" not in card.html  # member text stays text
    assert card.content["m.mentions"] == {}  # the card does not ping

    skills = await ben.ask(world.room, "!profile skills Möbelbau, CNC ,möbelbau")
    assert "Skills: Möbelbau, CNC" in skills.body
    await ben.ask(world.room, "!profile offer Hilfe beim Regalbau")
    await ben.ask(world.room, "!profile seek Aufträge in Bielefeld")
    edited = await anna.wait_for(
        lambda s: edit_of(s) == card.event.event_id
        and "I am looking for: Aufträge in Bielefeld" in s.content["m.new_content"]["body"])
    body = edited.content["m.new_content"]["body"]
    assert "Skills: Möbelbau, CNC" in body and "I can help with: Hilfe beim Regalbau" in body

    own = await ben.ask(world.room, "!profile")
    assert own.body == body
    assert await world.rows("SELECT intro, skills, offer, seek, card_event_id "
                            "FROM people_profiles") == [
        ("Ich baue Möbel in Detmold. *Nicht fett*", '["Möbelbau", "CNC"]',
         "Hilfe beim Regalbau", "Aufträge in Bielefeld", card.event.event_id)]

    cleared = await ben.ask(world.room, "!profile clear")
    assert cleared.body == "Your profile and your introduction card are deleted."
    await anna.wait_for(lambda s: getattr(s.event, "redacts", None) == card.event.event_id)
    assert (await ben.ask(world.room, "!profile")).body.startswith("You have no profile yet.")
    assert await world.rows("SELECT * FROM people_profiles") == []


async def test_a_second_intro_edits_the_card_instead_of_posting_another(
    make_bot, members: dict[str, Member]
) -> None:
    world = await lobby(make_bot, members)
    await world.cem.ask(world.room, "!intro Erste Fassung")
    await world.cem.ask(world.room, "!intro Zweite Fassung")
    edit = await world.anna.wait_for(
        lambda s: edit_of(s) is not None and "Zweite Fassung" in s.content["m.new_content"]["body"])
    cards = [s for s in world.anna.seen
             if from_bot(world.bot, world.room, s) and not s.reply_to and not edit_of(s)
             and s.content.get("msgtype") == "m.notice"]
    assert len(cards) == 1 and "Erste Fassung" in cards[0].body
    assert edit_of(edit) == cards[0].event.event_id


async def test_find_matches_umlauts_and_sharp_s_best_first(
    make_bot, members: dict[str, Member]
) -> None:
    world = await lobby(make_bot, members)
    anna, ben, cem = world.anna, world.ben, world.cem
    await ben.ask(world.room, "!intro Ich heiße Ben Müller und baue Möbel.")
    await cem.ask(world.room, "!profile skills Straßenplanung, Python")
    await anna.ask(world.room, "!profile offer Python-Kurse für Einsteiger")

    for query in ("mueller", "MÜLLER", "Müller"):
        found = await anna.ask(world.room, f"!find {query}")
        assert nick(ben) in found.body and nick(cem) not in found.body, query
    for query in ("strasse", "Straße"):
        found = await ben.ask(world.room, f"!find {query}")
        assert nick(cem) in found.body and nick(ben) not in found.body, query
    python = [line for line in (await ben.ask(world.room, "!find python")).body.splitlines()
              if line]
    assert python[0] == 'Who matches "python", best first:'
    assert python[1].startswith(f"- {nick(cem)}")  # a skill weighs more than an offer
    assert python[2].startswith(f"- {nick(anna)}")
    nothing = await ben.ask(world.room, "!find Quantenphysik")
    assert nothing.body == 'Nobody matches "Quantenphysik" yet.'


async def test_whois_shows_card_member_since_last_coworking_day_and_webinars(
    make_bot, members: dict[str, Member], clock
) -> None:
    world = await lobby(make_bot, members, checkin={"room": "intros"})
    anna, ben, cem = world.anna, world.ben, world.cem
    await ben.ask(world.room, "!intro Tischler aus Detmold")
    await ben.ask(world.room, "!checkin remote")

    whois = (await anna.ask(world.room, f"!whois {ben.user_id}")).body
    assert whois.startswith(f"👋 {nick(ben)}") and "Tischler aus Detmold" in whois
    assert "- Member since: Tue, Dec 1, 2026" in whois
    assert "- Last coworking day: Tue, Dec 1, 2026" in whois
    assert "Webinars given" not in whois  # the webinars are switched off

    unknown = (await ben.ask(world.room, f"!whois {cem.user_id}")).body
    assert unknown.startswith(f"{nick(cem)} has not introduced themselves yet.")
    assert "- Member since: not known yet" in unknown
    assert "- Last coworking day: none yet" in unknown


async def test_malformed_commands_get_the_usage_and_change_nothing(
    make_bot, members: dict[str, Member]
) -> None:
    world = await lobby(make_bot, members)
    ben = world.ben
    await ben.ask(world.room, "!intro Hallo zusammen")
    before = await world.bot.services.store.dump()

    whois = await ben.ask(world.room, "!whois bob")
    assert whois.body == ("'bob' is not a Matrix user like @name:example.org.\n\n"
                          "Usage: !whois <user>")
    skills = await ben.ask(world.room, "!profile skills , ;,")
    assert skills.body.endswith("Usage: !profile skills <skills>")
    find = await ben.ask(world.room, "!find a")
    assert find.body.endswith("Usage: !find <words>")
    intro = await ben.ask(world.room, "!intro " + "x" * 1001)
    assert intro.body.startswith("Please keep it under 1000 characters.")
    assert await world.bot.services.store.dump() == before


async def test_member_since_is_the_day_of_joining_the_space(
    make_bot, members: dict[str, Member], clock
) -> None:
    anna, ben = members["anna"], members["ben"]
    world = await provisioned_community(make_bot, anna)  # the space's intro_room: general
    clock.set(berlin(2026, 12, 2, 9, 0))
    await invite_into_space(world, anna, ben)
    await anna.wait_for(welcome_of(ben, world.general))
    await barrier(anna, world.general)  # the join is handled to its end, not only welcomed

    clock.set(berlin(2026, 12, 3, 9, 0))
    assert await join(ben, world.general)
    intro = await ben.ask(world.general, "!intro Neu hier!")
    assert intro.body == "Thanks! Your introduction is in Allgemein."
    whois = (await anna.ask(world.general, f"!whois {ben.user_id}")).body
    assert "Neu hier!" in whois and "- Member since: Wed, Dec 2, 2026" in whois
