"""Outsiders and griefers against the real Synapse: nothing counts from someone who is not in the
space, the proposer does not vote for themselves, nobody is a member before the space is known,
and nothing is adopted from under a configured alias that someone else took first.

The world: every feature, a provisioned space with `allowed_servers: []`, so only who joined the
space is a member. Cem joins it; Ben does not, but comes into the public webinar room."""

from __future__ import annotations

from nio import RoomPreset

from matrixcowork.core.permissions import Access
from matrixcowork.features.webinars import WebinarsFeature
from matrixcowork.features.webinars import db as webinars
from matrixcowork.meetings import db as meetings
from tests.helpers import Member, Seen
from tests.integration.space_world import (
    barrier,
    community,
    feature,
    invite_into_space,
    join,
    provisioned,
)

from .community import World, every_feature, every_feature_world

VOTE = "\U0001F44D"
YES = "\u2705"
POLL_RESPONSE = "org.matrix.msc3381.poll.response"
POLL_START = "org.matrix.msc3381.poll.start"
REFUSED = "This is for members of the community. Ask an organizer to invite you."


async def outsider_world(make_bot, members: dict[str, Member]) -> World:
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    world = await every_feature_world(make_bot, anna, allowed_servers=[])
    await invite_into_space(world, anna, cem)
    lobby = world.rooms["webinars"]  # public: Ben comes in without being a member
    for person in (anna, ben, cem):
        assert await join(person, lobby)
    await barrier(cem, lobby)
    permissions = world.bot.services.permissions
    assert permissions.access_of(cem.user_id) == Access.MEMBER
    assert permissions.access_of(ben.user_id) == Access.EVERYONE
    return world


def webinars_of(world: World) -> WebinarsFeature:
    assert world.bot.app
    return next(f for f in world.bot.app.features if isinstance(f, WebinarsFeature))


def bot_post(world: World, room: str, starts: str):
    return lambda s: (s.room_id == room and s.event.sender == world.bot.user_id
                      and s.body.startswith(starts) and "m.new_content" not in s.content)


async def propose(world: World, member: Member, room: str) -> tuple[webinars.Webinar, Seen]:
    answer = await member.ask(room, "!webinar propose Holz für Anfänger | Ein Abend")
    assert answer.body.startswith("Proposal #1 is up")
    post = await member.wait_for(bot_post(world, room, "💡"))
    found = await webinars.get(world.bot.services.store, 1)
    assert found is not None
    return found, post


async def test_an_outsiders_and_the_proposers_thumbs_up_do_not_count(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    world = await outsider_world(make_bot, members)
    room = world.rooms["webinars"]
    webinar, post = await propose(world, cem, room)
    proposals = webinars_of(world).proposals

    # Ben, who has no place in the community, and Cem, who proposed it, click 👍.
    await ben.react(room, post.event.event_id, VOTE)
    await cem.react(room, post.event.event_id, VOTE)
    await barrier(cem, room)
    assert await proposals.votes(webinar) == 0

    # Anna's vote is the first that counts.
    await anna.react(room, post.event.event_id, VOTE)
    await barrier(cem, room)
    assert await proposals.votes(webinar) == 1


async def test_an_outsiders_poll_answer_does_not_count_and_a_guests_rsvp_does(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben = members["anna"], members["ben"]
    world = await outsider_world(make_bot, members)
    room = world.rooms["webinars"]
    webinar, _post = await propose(world, members["cem"], room)
    dates = webinars_of(world).polls

    started = await anna.ask(room, "!webinar poll 1 2027-01-12 18:00 | 2027-01-14 18:00")
    assert started.body.startswith("The poll for #1 is up")
    poll = await anna.wait_for(lambda s: s.room_id == room
                               and s.event.source.get("type") == POLL_START)
    first = poll.content[POLL_START]["answers"][0]["id"]
    await ben.client.room_send(room, POLL_RESPONSE, {
        "m.relates_to": {"rel_type": "m.reference", "event_id": poll.event.event_id},
        POLL_RESPONSE: {"answers": [first]},
    })
    await barrier(anna, room)
    found = await webinars.latest_poll(world.bot.services.store, webinar.id)
    assert found is not None
    assert sum((await dates.counts(found)).values()) == 0

    # Webinars are for interested people of the region: a guest's RSVP counts for himself.
    scheduled = await anna.ask(room, "!webinar schedule 1 2027-01-14 18:00")
    assert scheduled.body.startswith("Scheduled:")
    announcement = await anna.wait_for(bot_post(world, room, "📅"))
    await ben.react(room, announcement.event.event_id, YES)
    await barrier(anna, room)
    store = world.bot.services.store
    now = await webinars.get(store, webinar.id)
    assert now is not None and now.occurrence_id is not None
    occ = await meetings.get(store, now.occurrence_id)
    assert occ is not None
    assert await webinars_of(world).engine.posts.answers(occ) == {ben.user_id: "yes"}


async def test_an_outsiders_sprint_join_by_reply_or_reaction_does_not_count(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben = members["anna"], members["ben"]
    world = await outsider_world(make_bot, members)
    room = world.rooms["coworking"]
    await world.bot.services.chat.invite(room, ben.user_id)  # an invited guest, not a member
    assert await join(anna, room) and await join(ben, room)
    started = await anna.ask(room, "!focus 25 Steuererklärung")
    await ben.react(room, started.event.event_id, "🙋")
    await ben.client.room_send(room, "m.room.message", {
        "msgtype": "m.text", "body": "Mitmachen!",
        "m.relates_to": {"m.in_reply_to": {"event_id": started.event.event_id}},
    })
    await barrier(anna, room)
    rows = await world.bot.services.store.fetch_all("SELECT user_id FROM cowork_sprint_members")
    assert [r["user_id"] for r in rows] == [anna.user_id]


async def test_before_the_space_is_known_a_plain_user_is_no_member(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben = members["anna"], members["ben"]
    bot = make_bot(**every_feature())  # Ben is on the bot's own server
    await bot.start()
    space = feature(bot)
    assert space.provisioning is not None
    space.provisioning.cancel()  # as if provisioning never succeeded on the first start
    bot.services.permissions.know_space(None)
    # A public room of Anna's, not the space's: the bot would decline an invitation to it.
    room = await anna.create_room(preset=RoomPreset.public_chat, invite=[ben.user_id])
    assert await join(ben, room)
    await bot.services.chat.join(room)

    answer = await ben.ask(room, "!checkin")

    assert answer.body == REFUSED
    assert bot.services.permissions.access_of(anna.user_id) == Access.ORGANIZER


async def test_a_space_alias_someone_took_first_is_not_adopted(
    make_bot, members: dict[str, Member]
) -> None:
    ben = members["ben"]
    config = community()
    bot = make_bot(**config)
    # Ben, on the same homeserver, makes a space under the configured alias and invites the bot.
    taken = await ben.create_room(alias=config["space"]["alias"], space=True,
                                  invite=[bot.user_id])
    await bot.start()

    report = await provisioned(bot)

    assert bot.services.permissions.space_room_id != taken
    assert bot.services.permissions.space_room_id is None
    assert any("neither I nor an organizer made" in str(p.message) for p in report.problems)
    assert await bot.services.rooms.room_id("general") is None
