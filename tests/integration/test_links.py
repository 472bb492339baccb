"""`!links`: the worked example of the feature contract (one folder, one line in the catalog)."""

from __future__ import annotations

import pytest

from matrixcowork.core.config import ConfigError, parse_config
from tests.helpers import Member
from tests.integration.test_foundation import room_with_bot

LINKS = {"items": [
    {"name": "Website", "url": "https://coworking-owl.de"},
    {"name": "Hausregeln <b>*bitte*</b>", "url": "https://coworking-owl.de/regeln"},
]}


async def test_a_member_asks_for_the_links_and_gets_them_in_order(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot(links=LINKS)
    await bot.start()
    ben = members["ben"]
    room = await room_with_bot(ben, bot)

    answer = await ben.ask(room, "!links")

    assert answer.body.splitlines() == [  # the plain body, as a phone's notification shows it
        "Our links", "- Website: https://coworking-owl.de",
        "- Hausregeln <b>*bitte*</b>: https://coworking-owl.de/regeln"]
    assert '<a href="https://coworking-owl.de">https://coworking-owl.de</a>' in answer.html
    assert "&lt;b&gt;*bitte*&lt;/b&gt;" in answer.html  # the name is text, never markup
    assert answer.html.index("Website") < answer.html.index("Hausregeln")
    assert answer.reply_to is not None


async def test_without_the_section_there_is_no_such_command(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot()
    await bot.start()
    ben = members["ben"]
    room = await room_with_bot(ben, bot)

    answer = await ben.ask(room, "!links")

    assert answer.body.startswith("I don't know that command.")


@pytest.mark.parametrize(("items", "problem"), [
    ([], "links.items: List should have at least 1 item"),
    ([{"name": "Evil", "url": "javascript:alert(1)"}], "links.items.0.url:"),
    ([{"name": "Spaces", "url": "https://a b"}], "links.items.0.url:"),
])
def test_a_bad_links_section_is_one_line_naming_the_key(items, problem) -> None:
    raw = {"homeserver": "https://m.example.org", "user_id": "@bot:example.org",
           "password": "pw", "admins": ["@anna:example.org"], "links": {"items": items}}
    with pytest.raises(ConfigError) as err:
        parse_config(raw, "config.yaml", environ={})
    assert problem in str(err.value) and "\n" not in str(err.value)
