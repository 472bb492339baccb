"""Conference names nobody can guess, links, and the widget events Element understands."""

from __future__ import annotations

import base64
import re

from matrixcowork.core.config import JitsiConfig
from matrixcowork.core.jitsi import (
    RANDOM_BYTES,
    Jitsi,
    random_part,
    with_widget_on_top,
    without_widget,
)

JITSI = Jitsi(JitsiConfig(base_url="https://meet.example.org/", conference_prefix="owl-sync"))


def test_conference_names_are_unique_random_and_under_the_prefix() -> None:
    names = [JITSI.new_conference() for _ in range(2000)]

    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"owl-sync-[a-z2-7]{20}", name) for name in names)
    random_bits = RANDOM_BYTES * 8
    assert random_bits >= 80
    decoded = base64.b32decode(random_part().upper() + "====")
    assert len(decoded) * 8 == random_bits
    # every character varies (the 20th carries the 96th bit and padding: two values)
    for position in range(19):
        assert len({name[9 + position] for name in names}) > 16


def test_link_and_domain_come_from_the_base_url() -> None:
    assert JITSI.link("owl-sync-abc") == "https://meet.example.org/owl-sync-abc"
    assert JITSI.domain == "meet.example.org"
    assert Jitsi(JitsiConfig()).link("x") == "https://meet.jit.si/x"


def test_widget_content_is_elements_jitsi_widget() -> None:
    content = JITSI.widget("owl-sync-abc", "Monthly sync", creator="@bot:example.org")

    assert content["type"] == "jitsi"
    assert content["name"] == "Monthly sync"
    assert content["id"] == JITSI.widget_id("owl-sync-abc")
    assert content["data"] == {"domain": "meet.example.org", "conferenceId": "owl-sync-abc",
                               "roomName": "Monthly sync", "isAudioOnly": False}
    url = content["url"]
    assert url.startswith("https://app.element.io/jitsi.html#conferenceDomain=$domain"
                          "&conferenceId=$conferenceId&isAudioOnly=$isAudioOnly")
    for variable in ("$matrix_user_id", "$matrix_room_id", "$matrix_display_name", "$roomName"):
        assert variable in url


def test_layout_puts_the_widget_on_top_and_keeps_the_others() -> None:
    theirs = {"container": "right", "index": 0, "width": 30, "height": 100}
    layout = with_widget_on_top({"widgets": {"notes": theirs}}, "call")

    assert layout == {"widgets": {
        "notes": theirs,
        "call": {"container": "top", "index": 0, "width": 100, "height": 40},
    }}
    assert with_widget_on_top(None, "call") == {"widgets": {"call": layout["widgets"]["call"]}}
    assert without_widget(layout, "call") == {"widgets": {"notes": theirs}}
