"""`matrixcowork init`: a few questions, a commented `config.yaml`, and the next steps.

Every answer is checked where it is given (the homeserver must answer
`/_matrix/client/versions`, ids must be Matrix ids, the timezone must exist, ...); a bad answer
is asked again with the reason. The bot's password, if given, is tried against the homeserver:
that decides whether the next steps start with creating the account. The file is checked with
the real config loader before it is put in place, readable by its user only. The questions are
English, or German with `--language de`; the bot's language is asked separately.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core.config import USER_ID_RE, ConfigError, load_config
from .init_texts import FEATURES, Texts, config_text, next_steps

T = TypeVar("T")
TIMEOUT = 5


class Invalid(ValueError):
    """A bad answer; the message is the reason, shown before asking again."""


class Aborted(Exception):
    """Input ended before every question had an answer."""


@dataclass
class Answers:
    homeserver: str = ""
    user_id: str = ""
    password: str = ""
    logs_in: str | None = None  # None: logs in; otherwise why not (or that it was not tried)
    admins: list[str] = field(default_factory=list)
    language: str = "en"
    timezone: str = "Europe/Berlin"
    features: list[str] = field(default_factory=list)
    space_name: str = ""
    website: str | None = None


class Dialogue:
    def __init__(self, texts: Texts, read: Callable[[str], str] = input,
                 secret: Callable[[str], str] | None = None) -> None:
        self.text = texts
        self.read = read
        self.secret = secret or (getpass.getpass if sys.stdin.isatty() else read)

    def ask(self, key: str, check: Callable[[str], T], default: str | None = None,
            hidden: bool = False) -> T:
        prompt = self.text(key) + (f" [{default}]" if default else "") + ": "
        while True:
            try:
                answer = (self.secret if hidden else self.read)(prompt).strip()
            except EOFError:
                raise Aborted from None
            try:
                return check(answer or default or "")
            except Invalid as reason:
                print(f"  {self.text('again')}: {reason}", flush=True)


def _get_json(url: str, body: dict[str, Any] | None = None,
              token: str | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return json.loads(response.read() or b"{}")


def homeserver_answers(url: str) -> None:
    """Raises Invalid unless `url` answers like a Matrix homeserver."""
    try:
        versions = _get_json(url + "/_matrix/client/versions")
    except urllib.error.HTTPError as err:
        raise Invalid(f"{url}/_matrix/client/versions: HTTP {err.code}") from None
    except (OSError, ValueError) as err:
        reason = getattr(err, "reason", None) or err
        raise Invalid(f"{url} does not answer ({reason})") from None
    if not isinstance(versions.get("versions"), list):
        raise Invalid(f"{url} answers, but not like a Matrix homeserver")


def login_problem(url: str, user_id: str, password: str) -> str | None:
    """None if the account logs in (the session is closed again), else why not."""
    try:
        session = _get_json(url + "/_matrix/client/v3/login", {
            "type": "m.login.password", "password": password,
            "identifier": {"type": "m.id.user", "user": user_id},
            "initial_device_display_name": "matrixcowork init (check)"})
    except urllib.error.HTTPError as err:
        try:
            problem = json.loads(err.read() or b"{}")
        except ValueError:
            problem = {}
        return f"{problem.get('errcode', err.code)}: {problem.get('error', err.reason)}"
    except (OSError, ValueError) as err:
        return str(getattr(err, "reason", None) or err)
    with contextlib.suppress(OSError, ValueError):  # the check's session, not needed
        _get_json(url + "/_matrix/client/v3/logout", {}, token=session.get("access_token"))
    return None


def check_url(online: bool) -> Callable[[str], str]:
    def check(answer: str) -> str:
        url = answer.rstrip("/")
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+(/\S*)?", url):
            raise Invalid(f"'{answer}' is not an address like https://matrix.example.org")
        if online:
            homeserver_answers(url)
        return url
    return check


def check_user_id(answer: str) -> str:
    if not USER_ID_RE.match(answer):
        raise Invalid(f"'{answer}' is not a Matrix id like @name:example.org")
    return answer


def check_user_ids(answer: str) -> list[str]:
    ids = [part for part in re.split(r"[\s,]+", answer) if part]
    if not ids:
        raise Invalid("at least one organizer, like @anna:example.org")
    return [check_user_id(user) for user in ids]


def check_choice(*choices: str) -> Callable[[str], str]:
    def check(answer: str) -> str:
        if answer.lower() not in choices:
            raise Invalid(f"'{answer}': one of {', '.join(choices)}")
        return answer.lower()
    return check


def check_timezone(answer: str) -> str:
    try:
        ZoneInfo(answer)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"unknown timezone '{answer}' (a name like Europe/Berlin)") from None
    return answer


def check_features(answer: str) -> list[str]:
    if answer.lower() == "all":
        return list(FEATURES)
    chosen = [part.lower() for part in re.split(r"[\s,]+", answer) if part]
    unknown = [name for name in chosen if name not in FEATURES]
    if unknown or not chosen:
        raise Invalid(f"unknown: {', '.join(unknown) or '(none)'}; choose from "
                      f"{', '.join(FEATURES)} or all")
    return [name for name in FEATURES if name in chosen]


def check_name(answer: str) -> str:
    if not 1 <= len(answer) <= 80:
        raise Invalid("a name of 1 to 80 characters")
    return answer


def check_website(answer: str) -> str:
    if not re.fullmatch(r"https?://[^\s()<>\[\]]+", answer):
        raise Invalid(f"'{answer}' is not a web address like https://example.org")
    return answer


def interview(dialogue: Dialogue, online: bool) -> Answers:
    a = Answers()
    a.homeserver = dialogue.ask("homeserver", check_url(online))
    server = re.sub(r"^https?://(matrix\.)?", "", a.homeserver).split("/")[0].split(":")[0]
    a.user_id = dialogue.ask("user_id", check_user_id, f"@cowork-bot:{server}")
    a.password = dialogue.ask("password", str, hidden=True)
    if not a.password:
        a.logs_in = dialogue.text("no_password")
    elif not online:
        a.logs_in = dialogue.text("offline")
    else:
        problem = login_problem(a.homeserver, a.user_id, a.password)
        a.logs_in = None if problem is None else dialogue.text("login_failed", problem=problem)
        print(f"  {dialogue.text('login_ok') if a.logs_in is None else a.logs_in}", flush=True)
    a.admins = dialogue.ask("admins", check_user_ids)
    a.language = dialogue.ask("language", check_choice("de", "en"), dialogue.text.language)
    a.timezone = dialogue.ask("timezone", check_timezone, "Europe/Berlin")
    a.features = dialogue.ask("features", check_features, "all")
    a.space_name = dialogue.ask("space_name", check_name)
    if "links" in a.features:
        a.website = dialogue.ask("website", check_website)
    return a


def write_config(path: Path, text: str, has_password: bool) -> None:
    """Check `text` with the real loader, then put it at `path` (0600)."""
    draft = path.with_name(f".{path.name}.draft")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    try:
        # without a password in the file, the bot reads it from the environment at start
        load_config(draft, environ={} if has_password else {"MATRIXCOWORK_PASSWORD": "-"})
    except ConfigError:
        draft.unlink()
        raise
    os.replace(draft, path)


def run_init(config: str, language: str, online: bool, force: bool) -> int:
    path = Path(config)
    texts = Texts(language)
    if path.exists() and not force:
        print(texts("exists", path=path), file=sys.stderr)
        return 2
    print(texts("intro"), flush=True)
    try:
        answers = interview(Dialogue(texts), online)
    except (Aborted, KeyboardInterrupt):
        print("\n" + texts("aborted"), file=sys.stderr)
        return 1
    write_config(path, config_text(answers), bool(answers.password))
    print("\n" + texts("written", path=path, language=answers.language))
    print(next_steps(texts, answers, path))
    return 0
