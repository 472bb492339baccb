"""Typed configuration: one YAML file, secrets and connection overridable from the environment.

The file is parsed once at start into frozen pydantic models; the rest of the code reads
attributes. Any problem becomes a `ConfigError` whose message is a single line naming the
file, the key and what is wrong, so `run` can print it and exit with code 2.
"""

from __future__ import annotations

import os
import re
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from .emoji import normalize_key
from .meetings.recurrence import parse_recurrence

ENV_PREFIX = "MATRIXCOWORK_"
ENV_KEYS = ("homeserver", "user_id", "password", "access_token", "data_dir")

USER_ID_RE = re.compile(r"^@[a-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(:\d+)?$")
LOCALPART_RE = re.compile(r"^[a-z0-9._=\-/+]+$")


class ConfigError(Exception):
    """A config problem, phrased as one line for the organizer."""


def _user_id(value: str) -> str:
    if not USER_ID_RE.match(value):
        raise ValueError(f"'{value}' is not a Matrix user id like @name:example.org")
    return value


def _hh_mm(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML 1.1 reads 09:30 as a sexagesimal int
        value = f"{value // 60:02d}:{value % 60:02d}"
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"'{value}' is not a time of day like 09:30")
    return time(int(match[1]), int(match[2]))


_DURATION_RE = re.compile(r"(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m(?:in)?)?")


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value}m"  # a bare number is minutes
    match = _DURATION_RE.fullmatch(str(value).strip().lower())
    if not match or not any(match.groups()):
        raise ValueError(f"'{value}' is not a duration like 90m, 1h30m or 7d")
    days, hours, minutes = (int(group or 0) for group in match.groups())
    duration = timedelta(days=days, hours=hours, minutes=minutes)
    if duration <= timedelta(0):
        raise ValueError(f"'{value}' is not a duration like 90m, 1h30m or 7d")
    return duration


UserId = Annotated[str, AfterValidator(_user_id)]
TimeOfDay = Annotated[time, BeforeValidator(_hh_mm)]
"""`HH:MM` in the community's timezone; feature sections use it for their times."""
Duration = Annotated[timedelta, BeforeValidator(_duration)]
"""`90m`, `1h30m`, `7d` (a bare number is minutes): lead times and lengths of meetings."""


class Model(BaseModel):
    """Base for every config section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RoomConfig(Model):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    alias: str = Field(pattern=LOCALPART_RE.pattern)
    topic: str = ""
    access: Literal["members", "public"] = "members"
    encrypted: bool = False


class SpaceConfig(Model):
    name: str = Field(min_length=1)
    alias: str = Field(pattern=LOCALPART_RE.pattern)
    topic: str = ""
    avatar: str | None = Field(default=None, pattern=r"^mxc://\S+$")
    welcome_room: str | None = None  # room keys: where newcomers are greeted, and what
    checkin_room: str | None = None  # the greeting points them to
    intro_room: str | None = None

    def room_keys(self) -> dict[str, str]:
        """The room keys this section names, by config key, for validation."""
        keys = {"welcome_room": self.welcome_room, "checkin_room": self.checkin_room,
                "intro_room": self.intro_room}
        return {where: key for where, key in keys.items() if key is not None}


class WebConfig(Model):
    """The bot's web server: `/healthz` for monitoring, later the public events page."""

    enabled: bool = False
    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=8080, ge=1, le=65535)
    public_url: str | None = Field(default=None, pattern=r"^https?://\S+$")


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CheckinMode = Literal["onsite", "remote"]


class CoreHours(Model):
    start: TimeOfDay
    end: TimeOfDay

    @model_validator(mode="after")
    def _ordered(self) -> CoreHours:
        if self.end <= self.start:
            raise ValueError("core hours must end after they start")
        return self


class CheckinConfig(Model):
    """The daily check-in post: where, when, and which reaction means which mode."""

    room: str = "coworking"
    time: TimeOfDay = time(9, 0)
    weekdays: list[Weekday] = Field(
        default=["mon", "tue", "wed", "thu", "fri"], min_length=1, max_length=7
    )
    reactions: dict[str, CheckinMode] = Field(
        default={"\U0001F3E2": "onsite", "\U0001F3E0": "remote"}, min_length=1
    )
    core_hours: CoreHours | None = None
    members_see_all_stats: bool = False

    @field_validator("weekdays")
    @classmethod
    def _distinct_days(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a weekday is listed twice")
        return value

    @field_validator("reactions")
    @classmethod
    def _normalised_keys(cls, value: dict[str, str]) -> dict[str, str]:
        normalised = {normalize_key(key): mode for key, mode in value.items()}
        if "" in normalised or len(normalised) != len(value):
            raise ValueError("reaction keys must be distinct emoji (variation selectors ignored)")
        return normalised


class JitsiConfig(Model):
    """Where video meetings happen; conference names are random under the prefix."""

    base_url: str = Field(
        default="https://meet.jit.si", pattern=r"^https?://[A-Za-z0-9.\-]+(:\d+)?/?$"
    )
    conference_prefix: str = Field(default="cowork", pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    widget_url: str = Field(
        default="https://app.element.io/jitsi.html", pattern=r"^https?://[^\s#?]+$"
    )


class SyncConfig(Model):
    """The recurring community meeting: when, how long, when announced and reminded."""

    room: str = "sync"
    recurrence: str = "first tuesday 18:00"
    duration: Duration = timedelta(hours=1)
    announce_before: Duration = timedelta(days=7)
    remind_before: list[Duration] = Field(
        default=[timedelta(days=1), timedelta(minutes=15)], max_length=5
    )
    title: str | None = Field(default=None, min_length=1, max_length=80)
    public: bool = False  # listed in the public calendar feed

    @field_validator("recurrence")
    @classmethod
    def _known_recurrence(cls, value: str) -> str:
        parse_recurrence(value)
        return value

    @model_validator(mode="after")
    def _leads_fit(self) -> SyncConfig:
        if len(set(self.remind_before)) != len(self.remind_before):
            raise ValueError("remind_before: a lead time is listed twice")
        if any(lead >= self.announce_before for lead in self.remind_before):
            raise ValueError("remind_before: reminders must come after the announcement "
                             "(shorter than announce_before)")
        return self


class PeopleConfig(Model):
    """Introductions and profiles: where `!intro` posts the cards."""

    intro_room: str | None = None  # room key; without it, space.intro_room


class CoffeeConfig(Model):
    """Coffee roulette: a round every few weeks, announced the day before in `room`."""

    room: str
    weekday: Weekday = "mon"
    time: TimeOfDay = time(10, 0)
    every_weeks: int = Field(default=2, ge=1, le=12)
    avoid_repeat_rounds: int = Field(default=3, ge=0, le=52)
    followup_days: int = Field(default=3, ge=1, le=14)


class WebinarsConfig(Model):
    """Webinars by members: proposed and voted on in `room`, announced there and in
    `announce_rooms`, listed on the public page and in the calendar feed when `public`."""

    room: str = "webinars"
    announce_rooms: list[str] = []
    vote_threshold: int = Field(default=3, ge=1, le=100)
    default_minutes: int = Field(default=60, ge=15, le=480)
    reminders: list[Duration] = Field(
        default=[timedelta(days=1), timedelta(minutes=15)], max_length=5
    )
    public: bool = True

    @field_validator("reminders")
    @classmethod
    def _distinct_reminders(cls, value: list[timedelta]) -> list[timedelta]:
        if len(set(value)) != len(value):
            raise ValueError("a lead time is listed twice")
        if any(lead > timedelta(days=60) for lead in value):
            raise ValueError("reminders come at most 60d before the start")
        return value


class CoworkingConfig(Model):
    """Working together: the open video room in core hours, focus sprints and calls.

    The core hours and the days are the check-in's (`checkin.core_hours`, `checkin.weekdays`):
    one place says when the community works together."""

    room: str = "coworking"  # room key: where the video room stands during core hours
    open_room: bool = True
    focus_minutes: list[Annotated[int, Field(ge=5, le=240)]] = Field(
        default=[25, 50], min_length=1, max_length=6
    )
    focus_default: int = 50
    call_timeout: Duration = timedelta(hours=2)

    @model_validator(mode="after")
    def _focus_choices(self) -> CoworkingConfig:
        if len(set(self.focus_minutes)) != len(self.focus_minutes):
            raise ValueError("focus_minutes: a length is listed twice")
        if self.focus_default not in self.focus_minutes:
            raise ValueError("focus_default must be one of focus_minutes")
        return self


class Config(Model):
    homeserver: str = Field(pattern=r"^https?://\S+$")
    user_id: UserId
    password: SecretStr | None = None
    access_token: SecretStr | None = None
    data_dir: Path = Path("data")
    language: Literal["de", "en"] = "de"
    timezone: str = "Europe/Berlin"
    command_prefix: str = Field(default="!", min_length=1, max_length=3, pattern=r"^\S+$")
    admins: list[UserId] = Field(min_length=1)
    moderators: list[UserId] = []
    allowed_servers: list[str] | None = None  # None: the bot's own server
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    space: SpaceConfig | None = None
    rooms: list[RoomConfig] = []
    checkin: CheckinConfig | None = None
    jitsi: JitsiConfig = JitsiConfig()
    sync: SyncConfig | None = None
    web: WebConfig = WebConfig()
    people: PeopleConfig = PeopleConfig()
    coffee: CoffeeConfig | None = None
    coworking: CoworkingConfig | None = None
    webinars: WebinarsConfig | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone '{value}' (use a name like Europe/Berlin)"
            ) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        if self.password is None and self.access_token is None:
            raise ValueError(
                "password: a password or access_token is required "
                f"(or set {ENV_PREFIX}PASSWORD / {ENV_PREFIX}ACCESS_TOKEN)"
            )
        seen: set[str] = set()
        for field in ("key", "alias"):
            seen.clear()
            for room in self.rooms:
                value = getattr(room, field)
                if value in seen:
                    raise ValueError(f"rooms: duplicate {field} '{value}'")
                seen.add(value)
        if self.space and any(r.alias == self.space.alias for r in self.rooms):
            raise ValueError(f"rooms: alias '{self.space.alias}' is already the space's alias")
        if self.checkin:
            self.require_room(self.checkin.room, "checkin.room")
        if self.sync:
            self.require_room(self.sync.room, "sync.room")
        for where, key in (self.space.room_keys() if self.space else {}).items():
            self.require_room(key, f"space.{where}")
        if self.people.intro_room:
            self.require_room(self.people.intro_room, "people.intro_room")
        if self.coffee:
            self.require_room(self.coffee.room, "coffee.room")
        if self.coworking:
            self.require_room(self.coworking.room, "coworking.room")
            if self.coworking.open_room and not (self.checkin and self.checkin.core_hours):
                raise ValueError("coworking.open_room: the video room opens in the core hours: "
                                 "set checkin.core_hours, or open_room: false")
        if self.webinars:
            self.require_room(self.webinars.room, "webinars.room")
            for key in self.webinars.announce_rooms:
                self.require_room(key, "webinars.announce_rooms")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def server_name(self) -> str:
        return self.user_id.split(":", 1)[1]

    @property
    def trusted_servers(self) -> list[str]:
        return [self.server_name] if self.allowed_servers is None else self.allowed_servers

    def room(self, key: str) -> RoomConfig:
        return next(r for r in self.rooms if r.key == key)

    def require_room(self, key: str, where: str) -> None:
        """For feature sections that name a room: the key must exist in `rooms`."""
        if not any(r.key == key for r in self.rooms):
            known = ", ".join(r.key for r in self.rooms) or "none configured"
            raise ValueError(f"{where}: unknown room key '{key}' (known: {known})")


def _describe(error: dict[str, Any]) -> tuple[str, str]:
    loc = ".".join(str(part) for part in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return loc, "unknown key"
    if kind == "missing":
        return loc, "required key is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    if not error["loc"] and ": " in message:  # whole-config checks name their key first
        loc, message = message.split(": ", 1)
    return loc, message


def parse_config(raw: Any, source: str, environ: dict[str, str] | None = None) -> Config:
    """Validate an already-loaded YAML document plus environment overrides."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        kind = type(raw).__name__
        raise ConfigError(f"{source}: (top level): expected a mapping of keys, got {kind}")
    environ = os.environ if environ is None else environ
    merged = dict(raw)
    for key in ENV_KEYS:
        value = environ.get(ENV_PREFIX + key.upper())
        if value:
            merged[key] = value
    try:
        return Config.model_validate(merged)
    except ValidationError as exc:
        loc, message = _describe(exc.errors()[0])
        raise ConfigError(f"{source}: {loc}: {message}") from None


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice instead of silently keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key}: given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_config(path: str | Path, environ: dict[str, str] | None = None) -> Config:
    """Read and validate the config file; every failure is a one-line `ConfigError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: (file): not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    try:
        raw = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "unknown line"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}: (YAML, {where}): {problem}") from None
    return parse_config(raw, str(path), environ)
