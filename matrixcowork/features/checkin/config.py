"""The `checkin` section: the daily post, its time, days, locations, reactions and core hours.

Where people work is a *place*: one of the configured `locations` (a key, a name, an emoji) or
remote. A config of the time before locations (`reactions` to `onsite`/`remote`, no
`locations`) keeps working: it has one location, `onsite`, named "On site". With `locations`,
`onsite` in `reactions` means the first location.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pydantic import Field, field_validator, model_validator

from ...core.config import Model, Section, TimeOfDay, Weekday, WorkingHours
from ...core.emoji import normalize_key

ONSITE, REMOTE = "onsite", "remote"
DEFAULT_ONSITE_EMOJI, DEFAULT_REMOTE_EMOJI = "\U0001F3E2", "\U0001F3E0"  # 🏢 🏠
LOCATION_KEY = r"^[a-z0-9][a-z0-9_-]{0,23}$"


class Location(Model):
    key: str = Field(pattern=LOCATION_KEY)
    name: str = Field(min_length=1, max_length=40)
    emoji: str = Field(min_length=1, max_length=16)

    @field_validator("key")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in (ONSITE, REMOTE):
            raise ValueError(f"'{value}' is reserved; name the location, e.g. 'bielefeld'")
        return value

    @field_validator("emoji")
    @classmethod
    def _normalised(cls, value: str) -> str:
        if not normalize_key(value):
            raise ValueError("the emoji is empty")
        return normalize_key(value)


@dataclass(frozen=True)
class Place:
    """Where a member works today: a location, or remote. `name` None: the built-in label
    ("On site" for the old `onsite`, "Remote"), translated when shown."""

    key: str
    name: str | None
    emoji: str | None


class CoreHours(Model):
    start: TimeOfDay
    end: TimeOfDay

    @model_validator(mode="after")
    def _ordered(self) -> CoreHours:
        if self.end <= self.start:
            raise ValueError("core hours must end after they start")
        return self


class CheckinConfig(Section):
    """The daily check-in post: where, when, and which reaction means which mode."""

    room: str = "coworking"
    time: TimeOfDay = time(9, 0)
    weekdays: list[Weekday] = Field(
        default=["mon", "tue", "wed", "thu", "fri"], min_length=1, max_length=7
    )
    locations: list[Location] | None = Field(default=None, min_length=1, max_length=12)
    remote_emoji: str = DEFAULT_REMOTE_EMOJI
    reactions: dict[str, str] | None = Field(default=None, min_length=1)
    core_hours: CoreHours | None = None
    late_until: TimeOfDay | None = None
    members_see_all_stats: bool = False

    def working_hours(self) -> WorkingHours | None:
        hours = self.core_hours
        return WorkingHours(hours.start, hours.end, tuple(self.weekdays)) if hours else None

    @property
    def late_cutoff(self) -> time:
        """Until when a post missed at `time` (the bot was down) is still made that day: the
        configured `late_until`, else the end of the core hours, else three hours after `time`.
        Never in the evening for a morning question."""
        if self.late_until:
            return self.late_until
        if self.core_hours and self.core_hours.end > self.time:
            return self.core_hours.end
        latest = datetime.combine(date.min, self.time) + timedelta(hours=3)
        return latest.time() if latest.date() == date.min else time(23, 59)

    @model_validator(mode="after")
    def _late_after_time(self) -> CheckinConfig:
        if self.late_until is not None and self.late_until <= self.time:
            raise ValueError("late_until must be later than time")
        return self

    @field_validator("weekdays")
    @classmethod
    def _distinct_days(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a weekday is listed twice")
        return value

    @field_validator("reactions")
    @classmethod
    def _normalised_keys(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        normalised = {normalize_key(key): mode for key, mode in value.items()}
        if "" in normalised or len(normalised) != len(value):
            raise ValueError("reaction keys must be distinct emoji (variation selectors ignored)")
        return normalised

    @field_validator("remote_emoji")
    @classmethod
    def _remote_emoji(cls, value: str) -> str:
        if not normalize_key(value):
            raise ValueError("the emoji is empty")
        return normalize_key(value)

    @model_validator(mode="after")
    def _places_fit(self) -> CheckinConfig:
        locations = self.locations or []
        for what in ("key", "name", "emoji"):
            values = [getattr(loc, what).lower() for loc in locations]
            if len(set(values)) != len(values):
                raise ValueError(f"locations: two locations have the same {what}")
        keys = {loc.key for loc in locations} | {ONSITE, REMOTE}
        for emoji, place in (self.reactions or {}).items():
            if place not in keys:
                raise ValueError(f"reactions: {emoji} -> '{place}' is not onsite, remote or "
                                 "a key of locations")
        self.reaction_places()  # an emoji meaning two places is refused here
        return self

    # --- the places, resolved once -----------------------------------------------------------

    def places(self) -> list[Place]:
        """The locations in order, then remote: what the post offers and lists."""
        if self.locations:
            found = [Place(loc.key, loc.name, loc.emoji) for loc in self.locations]
        else:
            onsite = self._legacy_emoji(ONSITE)
            found = [Place(ONSITE, None, onsite)] if onsite else []
        remote = self._legacy_emoji(REMOTE) if not self.locations else None
        return [*found, Place(REMOTE, None, remote or self.remote_emoji)]

    def reaction_places(self) -> dict[str, str]:
        """Emoji -> place key, for the reactions to the post."""
        mapping: dict[str, str] = {}

        def add(emoji: str, key: str) -> None:
            if mapping.setdefault(emoji, key) != key:
                raise ValueError(f"the emoji {emoji} stands for two places")

        for place in self.places():
            if place.emoji:
                add(place.emoji, place.key)
        for emoji, key in self._effective_reactions().items():
            add(emoji, self.place_key(key))
        return mapping

    def place_key(self, key: str) -> str:
        """`onsite` is the first location once there are locations (the old meaning)."""
        if key == ONSITE and self.locations:
            return self.locations[0].key
        return key

    def _effective_reactions(self) -> dict[str, str]:
        if self.reactions is not None:
            return self.reactions
        return {} if self.locations else {DEFAULT_ONSITE_EMOJI: ONSITE,
                                          DEFAULT_REMOTE_EMOJI: REMOTE}

    def _legacy_emoji(self, mode: str) -> str | None:
        return next((e for e, m in self._effective_reactions().items() if m == mode), None)
