"""What `matrixcowork init` says (English or German) and the config file it writes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .init import Answers

FEATURES = {
    "checkin": ("daily check-in with core hours", "täglicher Check-in mit Kernzeit"),
    "sync": ("the monthly sync (video meeting)", "monatlicher Sync (Videotreffen)"),
    "people": ("introductions and profiles", "Vorstellungen und Profile"),
    "coffee": ("coffee roulette", "Kaffee-Roulette"),
    "coworking": ("open video room, focus sprints, calls", "offener Videoraum, Fokus-Sprints, "
                  "Calls"),
    "webinars": ("webinars by members, public page", "Webinare von Mitgliedern, öffentliche "
                 "Seite"),
    "events": ("events members make (lunch, evenings), with reminders",
               "Veranstaltungen von Mitgliedern (Mittagessen, Abende), mit Erinnerungen"),
    "links": ("!links: the community's web addresses", "!links: die Adressen der Community"),
    "digest": ("a short weekly digest post", "ein kurzer Wochenrückblick"),
    "prompts": ("a question of the week", "eine Frage der Woche"),
    "welcome": ("a welcome conversation in a newcomer's direct chat",
                "ein Begrüßungsgespräch im Direktchat mit Neuen"),
    "quiet": ("a kind word to members gone quiet; a monthly list for the organizers",
              "ein freundliches Wort an still Gewordene; eine Monatsliste fürs Orga-Team"),
    "knock": ("anyone may ask to join; organizers decide in their own room",
              "alle dürfen um Beitritt bitten; das Orga-Team entscheidet im eigenen Raum"),
}
ORGANIZER_ROOM = ("knock", "quiet")
"""The features that need the organizers' room (requests to join, the list of quiet members)."""

_FEATURE_LIST = {lang: "\n".join(f"    {name:<10} {texts[i]}" for name, texts in FEATURES.items())
                 for i, lang in enumerate(("en", "de"))}

TEXTS: dict[str, tuple[str, str]] = {
    "intro": ("A few questions for your config.yaml (Enter takes the [default]; Ctrl-C stops,"
              " nothing is written before the end; auf Deutsch: --language de).",
              "Ein paar Fragen für deine config.yaml (Enter nimmt den [Vorschlag]; Strg-C bricht"
              " ab, vorher wird nichts geschrieben)."),
    "homeserver": ("Homeserver address (client URL)", "Adresse des Homeservers (Client-URL)"),
    "user_id": ("The bot's Matrix id", "Matrix-ID des Bots"),
    "password": ("The bot's password (Enter: give it later in MATRIXCOWORK_PASSWORD)",
                 "Passwort des Bots (Enter: später in MATRIXCOWORK_PASSWORD angeben)"),
    "login_ok": ("The bot's account logs in.", "Das Konto des Bots meldet sich an."),
    "login_failed": ("It does not log in yet: {problem}",
                     "Es meldet sich noch nicht an: {problem}"),
    "no_password": ("if it is not there yet; not checked without a password",
                    "falls es noch fehlt; ohne Passwort nicht geprüft"),
    "offline": ("if it is not there yet; not checked with --offline",
                "falls es noch fehlt; mit --offline nicht geprüft"),
    "admins": ("Organizers (Matrix ids, separated by commas)",
               "Organisator*innen (Matrix-IDs, durch Kommas getrennt)"),
    "language": ("Language of the bot's messages (de or en)",
                 "Sprache der Nachrichten des Bots (de oder en)"),
    "timezone": ("Timezone", "Zeitzone"),
    "features": ("Features:\n" + _FEATURE_LIST["en"] + "\n  Which (names separated by commas,"
                 " or all)",
                 "Funktionen:\n" + _FEATURE_LIST["de"] + "\n  Welche (Namen durch Kommas "
                 "getrennt, oder all)"),
    "space_name": ("Name of the space", "Name des Space"),
    "website": ("Your community's website (for !links)", "Website eurer Community (für !links)"),
    "again": ("Please again", "Bitte noch einmal"),
    "exists": ("{path} exists already: nothing written (--force replaces it).",
               "{path} gibt es schon: nichts geschrieben (--force ersetzt die Datei)."),
    "aborted": ("Stopped: nothing written.", "Abgebrochen: nichts geschrieben."),
    "written": ("Written: {path} (readable by you only; checked; the bot speaks {language}).",
                "Geschrieben: {path} (nur für dich lesbar; geprüft; der Bot spricht {language})."),
    "next": ("Next steps:", "Nächste Schritte:"),
    "create": ("Create the bot's account on the homeserver's host ({why}):",
               "Lege das Konto des Bots auf dem Rechner des Homeservers an ({why}):"),
    "exists_ok": ("The bot's account exists and logs in.",
                  "Das Konto des Bots gibt es, es meldet sich an."),
    "ratelimit": ("Lift the bot's rate limit (as a server admin, with an admin's access token; "
                  "README, Deployment, step 4):",
                  "Hebe das Nachrichtenlimit des Bots auf (als Server-Admin, mit dem "
                  "Access-Token eines Admins; README, Deployment, Schritt 4):"),
    "secret": ("Give the bot its password in the environment:",
               "Gib dem Bot sein Passwort über die Umgebung:"),
    "start": ("Check the file and start the bot; at its first start it creates the space and "
              "its rooms and invites the organizers:",
              "Prüfe die Datei und starte den Bot; beim ersten Start legt er den Space und "
              "seine Räume an und lädt die Organisator*innen ein:"),
}


class Texts:
    def __init__(self, language: str) -> None:
        self.language = language if language in ("en", "de") else "en"

    def __call__(self, key: str, **values: Any) -> str:
        text = TEXTS[key][0 if self.language == "en" else 1]
        return text.format(**values) if values else text


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def slug(name: str) -> str:
    plain = name.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:30] or "community"


ROOMS = {  # key: (needed by, English name, German name)
    "general": ((), "General", "Allgemein"),
    "coworking": (("checkin", "coworking"), "Coworking", "Coworking"),
    "sync": (("sync",), "Monthly sync", "Monatlicher Sync"),
    "webinars": (("webinars",), "Webinars", "Webinare"),
    "intros": (("people",), "Introductions", "Vorstellungsrunde"),
    "offtopic": (("coffee",), "Off-topic", "Kaffeeküche"),
    "orga": (ORGANIZER_ROOM, "Organizers", "Orga-Team"),
}


def _rooms(a: Answers, prefix: str) -> list[str]:
    lines = ["rooms:", "  # access: members (anyone in the space), public (anyone, guests may "
             "read) or", "  # organizers (invite-only)."]
    for key, (needed, english, german) in ROOMS.items():
        if needed and not set(needed) & set(a.features):
            continue
        lines += [f"  - key: {key}", f"    name: {_q(german if a.language == 'de' else english)}",
                  f"    alias: {prefix}-{key}"]
        if key == "webinars":
            lines.append("    access: public")
        if key == "orga":
            lines.append("    access: organizers")
    return lines


SECTIONS = {
    "checkin": ["# The daily check-in post: members react 🏢 on site or 🏠 remote.",
                "checkin:", "  room: coworking", '  time: "08:30"',
                "  weekdays: [mon, tue, wed, thu, fri]",
                "  # Shown in the post; also the hours of the open video room.",
                '  core_hours: {start: "10:00", end: "15:00"}'],
    "sync": ["# The monthly video meeting, announced with agenda and RSVP.", "sync:",
             "  room: sync", "  recurrence: first tuesday 18:00", "  duration: 90m"],
    "people": ["# !intro posts a member's card in intro_room.", "people:",
               "  intro_room: intros"],
    "coffee": ["# Members who typed !coffee join are paired every few weeks.", "coffee:",
               "  room: offtopic", "  weekday: mon", '  time: "10:00"', "  every_weeks: 2"],
    "webinars": ["# Members propose webinars, vote with 👍, find a date with a poll. With",
                 "# web.enabled and web.public_url they are listed on a public page and feed.",
                 "webinars:", "  room: webinars", "  vote_threshold: 3", "  public: true"],
    "events": ["# Events members make with !event create, announced with RSVP and reminded.",
               "events:", "  room: general", "  remind_before: [1d, 30m]",
               "  # Who may put an event on the public page: organizers or members.",
               "  public_by: organizers"],
    "digest": ["# One short post a week: check-ins, the next meetings, new members.", "digest:",
               "  room: general", "  weekday: mon", '  time: "08:00"'],
    "prompts": ["# A question a week, answered in the post's thread.", "prompts:",
                "  room: general", "  weekday: wed", '  time: "10:00"'],
    "welcome": ["# The bot gets to know whoever joins the space, in their direct chat.",
                "welcome:", "  # Days without an answer until the question is recalled, once.",
                "  reminder_days: 2"],
}


def config_text(a: Answers) -> str:
    prefix = slug(a.space_name)
    password = (f"password: {_q(a.password)}" if a.password
                else "# password: set MATRIXCOWORK_PASSWORD in the environment instead")
    lines = [
        "# matrixcowork configuration, written by `matrixcowork init`.",
        "# Every key is explained in config.example.yaml. Check this file with:",
        "#   matrixcowork check-config config.yaml",
        "",
        "# The homeserver's client URL and the bot's own account.",
        f"homeserver: {_q(a.homeserver)}",
        f"user_id: {_q(a.user_id)}",
        "# The bot's password. Safer in the environment (MATRIXCOWORK_PASSWORD) than here.",
        password,
        "# The bot's database and login (readable by the bot's user only).",
        "data_dir: ./data",
        "",
        "# Language of every message the bot writes (de or en), and the community's timezone.",
        f"language: {a.language}",
        f"timezone: {_q(a.timezone)}",
        "# Organizers: may use every command.",
        "admins:", *(f"  - {_q(user)}" for user in a.admins),
        "",
        "# The space and its rooms: the bot creates what is missing at every start.",
        "space:", f"  name: {_q(a.space_name)}", f"  alias: {prefix}",
        "  welcome_room: general",
        *(["  checkin_room: coworking"] if {"checkin", "coworking"} & set(a.features) else []),
        *(["  intro_room: intros"] if "people" in a.features else []),
        *(["  # knock: anyone may ask to join; the first organizer's ✅ in organizer_room "
           "invites.", "  join: knock", "  organizer_room: orga"]
          if "knock" in a.features else ["  join: invite"]),
        "", *_rooms(a, prefix), "",
        "# The web server: /healthz, and the public webinar page and calendar feed. Enable it",
        "# behind a reverse proxy and set public_url to its public address.",
        "web:", "  enabled: false", "  # public_url: https://cowork.example.org",
    ]
    for name, section in SECTIONS.items():
        if name in a.features:
            lines += ["", *section]
    if "coworking" in a.features:
        open_room = "true" if "checkin" in a.features else "false"
        lines += ["", "# Focus sprints, calls, and the open video room in checkin.core_hours.",
                  "coworking:", "  room: coworking", f"  open_room: {open_room}"]
    if "quiet" in a.features:
        lines += ["", "# A member not seen for quiet_weeks gets one friendly direct message; on "
                  "the 1st", "# of each month the organizers get the list of who went quiet.",
                  "quiet:", *([] if "knock" in a.features else ["  room: orga"]),
                  "  quiet_weeks: 4"]
    if a.website:
        lines += ["", "# What !links lists.", "links:", "  items:",
                  "    - name: Website", f"      url: {_q(a.website)}"]
    return "\n".join(lines) + "\n"


def next_steps(text: Texts, a: Answers, path: Path) -> str:
    localpart = a.user_id[1:].split(":")[0]
    steps = []
    if a.logs_in is None:
        steps.append([text("exists_ok")])
    else:
        steps.append([text("create", why=a.logs_in),
                      f"     register_new_matrix_user -c homeserver.yaml -u {localpart} "
                      f"--no-admin {a.homeserver}"])
    steps.append([text("ratelimit"),
                  '     curl -X POST -H "Authorization: Bearer $ADMIN_TOKEN" '
                  "-d '{\"messages_per_second\": 0, \"burst_count\": 0}' \\",
                  f"       {a.homeserver}/_synapse/admin/v1/users/{a.user_id}/override_ratelimit"])
    if not a.password:
        steps.append([text("secret"), "     export MATRIXCOWORK_PASSWORD='…'"])
    steps.append([text("start"), f"     matrixcowork check-config {path}",
                  f"     matrixcowork run -c {path}"])
    lines = [text("next")]
    for number, (head, *rest) in enumerate(steps, 1):
        lines += [f"  {number}. {head}", *rest]
    return "\n".join(lines)
