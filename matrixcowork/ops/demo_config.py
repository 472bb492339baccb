"""The demo community's config: every feature on, with times that fit whenever the demo runs.

The demo runs on the real clock, so the times are chosen around the moment it starts: the core
hours (and with them the open video room) span the current hour and the next few, every day is
a check-in day, and the coffee round is due today at 23:59 (the demo pairs it at once, see
`demo.coffee_round`). Rewritten at every start; the passwords stay in `accounts.json`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

TIMEZONE = "Europe/Berlin"
SERVER = "localhost"
BOT = "cowork-bot"
ORGANIZER = "orga"
MEMBERS = ("anna", "ben")
PEOPLE = (ORGANIZER, *MEMBERS)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
COFFEE_TIME = "23:59"

DEMO_ROOMS = [
    {"key": "general", "name": "Allgemein", "alias": "demo-allgemein",
     "topic": "Alles rund um die Demo-Community"},
    {"key": "coworking", "name": "Coworking", "alias": "demo-coworking",
     "topic": "Wer ist heute da? 🏢 vor Ort, 🏠 remote"},
    {"key": "sync", "name": "Monatlicher Sync", "alias": "demo-sync",
     "topic": "Einmal im Monat per Video"},
    {"key": "webinars", "name": "Webinare", "alias": "demo-webinare",
     "topic": "Mitglieder zeigen, was sie können", "access": "public"},
    {"key": "intros", "name": "Vorstellungsrunde", "alias": "demo-vorstellung",
     "topic": "Wer bist du, was machst du?"},
    {"key": "offtopic", "name": "Kaffeeküche", "alias": "demo-kaffeekueche",
     "topic": "Off-Topic und Kaffee-Roulette"},
    {"key": "orga", "name": "Orga-Team", "alias": "demo-orga",
     "topic": "Beitrittsanfragen, neue Mitglieder, wer still geworden ist", "access": "organizers"},
]
LOCATIONS = [
    {"key": "bielefeld", "name": "Bielefeld", "emoji": "\U0001F3E2"},
    {"key": "detmold", "name": "Detmold", "emoji": "\U0001F3ED"},
]


def user_id(name: str) -> str:
    return f"@{name}:{SERVER}"


def alias(room_key: str) -> str:
    room = next(r for r in DEMO_ROOMS if r["key"] == room_key)
    return f"#{room['alias']}:{SERVER}"


def web_url(web_port: int) -> str:
    return f"http://127.0.0.1:{web_port}"


def demo_config(folder: Path, url: str, web_port: int, password: str,
                now: datetime | None = None) -> dict[str, Any]:
    now = (now or datetime.now(ZoneInfo(TIMEZONE))).astimezone(ZoneInfo(TIMEZONE))
    start_hour, end_hour = now.hour, min(now.hour + 4, 23)
    public = web_url(web_port)
    return {
        "homeserver": url,
        "user_id": user_id(BOT),
        "password": password,
        "data_dir": str(folder / "bot"),
        "language": "de",
        "timezone": TIMEZONE,
        "admins": [user_id(ORGANIZER)],
        "log_level": "INFO",
        # The scripted week spends the members' command budget; someone trying things out
        # right after it should not be told to slow down.
        "command_rate_limit": {"commands": 30, "seconds": 30},
        # Knocking: a guest asks to join, an organizer approves in the organizers' room.
        "space": {"name": "Coworking Demo", "alias": "demo-space",
                  "topic": "Eine Demo von matrixcowork", "welcome_room": "general",
                  "checkin_room": "coworking", "intro_room": "intros", "join": "knock",
                  "organizer_room": "orga"},
        "rooms": DEMO_ROOMS,
        "web": {"enabled": True, "host": "127.0.0.1", "port": web_port, "public_url": public},
        "checkin": {"room": "coworking", "time": f"{start_hour:02d}:00", "weekdays": WEEKDAYS,
                    "locations": LOCATIONS,
                    "core_hours": {"start": f"{start_hour:02d}:00",
                                   "end": f"{end_hour:02d}:59"}},
        "sync": {"room": "sync", "recurrence": "first tuesday 18:00", "duration": "90m",
                 "title": "Demo-Sync", "public": True},
        "people": {"intro_room": "intros"},
        "coffee": {"room": "offtopic", "weekday": WEEKDAYS[now.weekday()],
                   "time": COFFEE_TIME, "every_weeks": 1},
        "coworking": {"room": "coworking", "open_room": True, "focus_minutes": [25, 50],
                      "focus_default": 25},
        "webinars": {"room": "webinars", "announce_rooms": ["general"], "vote_threshold": 2,
                     "public": True},
        "events": {"room": "general", "public_by": "members"},
        "digest": {"room": "general"},
        "prompts": {"room": "offtopic"},
        "welcome": {"reminder_days": 2},  # the welcome conversation in a newcomer's direct chat
        "quiet": {"quiet_weeks": 4},  # the monthly list goes to the organizers' room
        "links": {"items": [
            {"name": "Öffentliche Veranstaltungen", "url": public + "/"},
            {"name": "Kalender-Feed", "url": public + "/calendar.ics"},
        ]},
    }
