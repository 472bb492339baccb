"""Stories of answers that read well: `!help` short enough for a phone, usages in the
community's language, people named by their names, no lines about switched-off features."""

from __future__ import annotations

import pytest

from tests.helpers import Member, shared_room, unique

from .space_world import invite_into_space, provisioned_community, welcome_of


@pytest.fixture
async def lobby(make_bot, members: dict[str, Member]) -> str:
    """Anna's room with Ben and a German-speaking bot: check-in and people on, webinars off."""
    alias = unique("lobby")
    bot = make_bot(language="de", rooms=[{"key": "lobby", "name": "Lobby", "alias": alias}],
                   checkin={"room": "lobby"})
    await bot.start()
    return await shared_room(bot, alias, members["anna"], members["ben"])


async def test_german_help_is_one_short_line_per_topic_and_details_on_asking(
    lobby: str, members: dict[str, Member]
) -> None:
    room, anna, ben = lobby, members["anna"], members["ben"]

    overview = await ben.ask(room, "!help")
    lines = overview.body.splitlines()
    assert lines[0] == "Das kannst du hier tun:"
    assert [line for line in lines if line.startswith("- ")] == [
        "- ✅ Check-in: !checkin !checkout !plan … !stats !status !who",
        "- 👋 Leute: !find !intro !profile … !whois",
    ]
    assert lines[-1] == ("Einzelheiten: !help <Thema> oder !help <Befehl>, "
                         "z. B. !help check-in.")
    assert "<code>!who</code>" in overview.html
    organizer = (await anna.ask(room, "!help")).body
    assert "- 🛠 Orga: !botstatus !checkin post" in organizer.splitlines()

    people = await ben.ask(room, "!help leute")
    assert people.body.startswith("👋 Leute\n")
    assert ("- !whois <Nutzer> – Zeig die Karte und Zahlen eines Mitglieds "
            "(z. B. !whois @anna:example.org)") in people.body.splitlines()
    checkin = (await ben.ask(room, "!help checkin")).body
    assert "- !checkin [Ort und Notiz] – " in checkin
    assert "(z. B. !checkin remote Angebot schreiben)" in checkin
    assert "- !plan [Tag] [Ort] – " in checkin and "(z. B. !plan do remote, " in checkin
    one = (await ben.ask(room, "!help !profile skills")).body
    assert one.splitlines()[-1].startswith("- !profile skills <Fähigkeiten> – ")
    unknown = (await ben.ask(room, "!help kuchen")).body
    assert unknown == ("Ein Thema oder einen Befehl „kuchen“ kenne ich nicht. "
                       "Themen: Check-in, Leute.")


async def test_a_bad_whois_shows_the_german_placeholder_and_whois_leaves_out_webinars(
    lobby: str, members: dict[str, Member]
) -> None:
    room, anna, ben = lobby, members["anna"], members["ben"]

    bad = await ben.ask(room, "!whois bob")
    assert bad.body == ("„bob“ ist kein Matrix-Konto wie @name:example.org.\n\n"
                        "So geht's: !whois <Nutzer>")
    assert "<code>!whois &lt;Nutzer&gt;</code>" in bad.html
    missing = await ben.ask(room, "!whois")
    assert missing.body.startswith("Da fehlt noch etwas: Nutzer.")
    status = await ben.ask(room, "!status")
    assert status.body.startswith("Da fehlt noch etwas: Text.")

    whois = (await ben.ask(room, f"!whois {anna.user_id}")).body
    assert "- Zuletzt beim Coworking: noch nie" in whois
    assert "Webinar" not in whois


async def test_welcome_and_invite_name_the_person_by_their_display_name(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben = members["anna"], members["ben"]
    await ben.client.set_displayname("Ben Becker")
    world = await provisioned_community(make_bot, anna)

    invited = await invite_into_space(world, anna, ben)
    welcome = await anna.wait_for(welcome_of(ben, world.general))
    again = await anna.ask(world.general, "!invite " + ben.user_id)

    assert invited.body.startswith("I invited Ben Becker to Coworking OWL.")
    assert f'href="https://matrix.to/#/{ben.user_id}"' in invited.html
    assert welcome.body.startswith("Welcome to Coworking OWL, Ben Becker! 👋")
    assert f'href="https://matrix.to/#/{ben.user_id}"' in welcome.html
    assert again.body == "Ben Becker is already in the space."
    assert ben.user_id not in invited.body + welcome.body + again.body
