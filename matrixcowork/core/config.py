"""Typed configuration: one YAML file, secrets and connection overridable from the environment.

The core's keys are here; every feature brings its own section (a `Section` model in
`features/<name>/config.py`, declared by the feature), and `config_model()` composes them from
the list of features. Each section names its room keys and checks its rules against the whole
config; the core checks the room keys exist. The file is parsed once at start into frozen
pydantic models; the rest of the code reads attributes. Any problem becomes a `ConfigError`
whose message is a single line naming the file, the key and what is wrong, so `run` can print
it and exit with code 2.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import time, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
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
    create_model,
    field_validator,
    model_validator,
)

if TYPE_CHECKING:
    from ..features import Feature

ENV_PREFIX = "MATRIXCOWORK_"
ENV_KEYS = ("homeserver", "user_id", "password", "access_token", "data_dir", "recovery_key")

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
    access: Literal["members", "public", "organizers"] = "members"
    encrypted: bool = False


class WebConfig(Model):
    """The bot's web server: `/healthz` for monitoring, later the public events page."""

    enabled: bool = False
    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=8080, ge=1, le=65535)
    public_url: str | None = Field(default=None, pattern=r"^https?://\S+$")


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass(frozen=True)
class CommunitySpace:
    """The community's space as the core and the features need it; the section that defines
    the space (the space feature's) says it."""

    alias: str  # the localpart of its alias
    name: str
    organizer_room: str | None  # room keys
    intro_room: str | None


@dataclass(frozen=True)
class WorkingHours:
    """When the community works together (the core hours on its coworking days); the section
    that defines them (the check-in's) says it."""

    start: time
    end: time
    weekdays: tuple[Weekday, ...]


class Section(Model):
    """A feature's section of the config file."""

    def room_keys(self) -> list[tuple[str, str]]:
        """(its key, room key) for every room this section names, for the core to check; by
        default its `room`."""
        room = getattr(self, "room", None)
        return [("room", room)] if isinstance(room, str) else []

    def check(self, config: Config) -> None:
        """Rules that involve the rest of the config: raise `ValueError("key: problem")`."""

    def community_space(self) -> CommunitySpace | None:
        """The community's space, if this section defines it."""
        return None

    def working_hours(self) -> WorkingHours | None:
        """The community's core hours, if this section defines them."""
        return None


class JitsiConfig(Model):
    """Where video meetings happen; conference names are random under the prefix."""

    base_url: str = Field(
        default="https://meet.jit.si", pattern=r"^https?://[A-Za-z0-9.\-]+(:\d+)?/?$"
    )
    conference_prefix: str = Field(default="cowork", pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    widget_url: str = Field(
        default="https://app.element.io/jitsi.html", pattern=r"^https?://[^\s#?]+$"
    )


class CommandRateConfig(Model):
    """Each member may type `commands` commands within `seconds`; organizers and moderators
    are exempt."""

    commands: int = Field(default=6, ge=1)
    seconds: int = Field(default=30, ge=1)


class Config(Model):
    homeserver: str = Field(pattern=r"^https?://\S+$")
    user_id: UserId
    password: SecretStr | None = None
    access_token: SecretStr | None = None
    recovery_key: SecretStr | None = None  # only to recover the cross-signing identity
    data_dir: Path = Path("data")
    language: Literal["de", "en"] = "de"
    timezone: str = "Europe/Berlin"
    command_prefix: str = Field(default="!", min_length=1, max_length=3, pattern=r"^\S+$")
    admins: list[UserId] = Field(min_length=1)
    moderators: list[UserId] = []
    allowed_servers: list[str] | None = None  # None: the bot's own server
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    rooms: list[RoomConfig] = []
    jitsi: JitsiConfig = JitsiConfig()
    web: WebConfig = WebConfig()
    command_rate_limit: CommandRateConfig = CommandRateConfig()
    max_room_members: int = Field(default=500, ge=2)
    reconcile_days: int = Field(default=7, ge=0, le=90)

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
        for name, section in self.sections().items():
            for where, key in section.room_keys():
                self.require_room(key, f"{name}.{where}")
            section.check(self)
        return self

    def sections(self) -> dict[str, Section]:
        """The features' sections that are present, by key."""
        return {name: value for name in type(self).model_fields
                if isinstance(value := getattr(self, name), Section)}

    @property
    def community_space(self) -> CommunitySpace | None:
        """The space, from the section that defines it; None: no space, the community is the
        users of `allowed_servers`."""
        return next((space for section in self.sections().values()
                     if (space := section.community_space()) is not None), None)

    @property
    def working_hours(self) -> WorkingHours | None:
        """The core hours, from the section that defines them; None: none configured."""
        return next((hours for section in self.sections().values()
                     if (hours := section.working_hours()) is not None), None)

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


@cache
def config_model(features: tuple[type[Feature], ...] | None = None) -> type[Config]:
    """The whole config: the core's keys plus each feature's section (absent: off, unless the
    feature is on by default)."""
    if features is None:
        from ..features.catalog import FEATURES  # the list of features, the one place naming them

        features = tuple(FEATURES)
    fields: dict[str, Any] = {}
    for feature in features:
        if feature.section is not None:
            key, model = feature.section
            fields[key] = (model, model()) if feature.on_by_default else (model | None, None)
    return create_model("Config", __base__=Config, **fields)


class CoreOnly(Config):
    """The core's keys alone, the features' sections passed over unread: for `health`, which
    must not import every feature (nio, aiohttp) on each probe of a container's health check."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def parse_config(raw: Any, source: str, environ: dict[str, str] | None = None,
                 model: type[Config] | None = None) -> Config:
    """Validate an already-loaded YAML document plus environment overrides (against the
    whole config, unless `model` says otherwise)."""
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
        return (model or config_model()).model_validate(merged)
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


def load_config(path: str | Path, environ: dict[str, str] | None = None,
                model: type[Config] | None = None) -> Config:
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
    return parse_config(raw, str(path), environ, model)
