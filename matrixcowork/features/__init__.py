"""Features are units with a lifecycle that declare what they need: commands, event
subscriptions, reaction handlers per kind of post, tables (migrations), web routes; scheduled
work goes through the one scheduling service.

The app wires them; features never import each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ..core.commands import Command, declared_commands
from ..core.config import Config, Section
from ..core.direct import DirectChats, ReplyHandler
from ..core.services import Services
from ..core.store import Migration, Store
from ..core.tracked import ReactionDeclaration, TrackedPosts

if TYPE_CHECKING:
    from aiohttp import web

EventHandler = Callable[[str, Any], Awaitable[None]]


class Feature:
    name: ClassVar[str]
    migrations: ClassVar[Sequence[Migration]] = ()
    shared_tables: ClassVar[tuple[tuple[str, Sequence[Migration]], ...]] = ()
    """Tables of a layer it uses, by component (the meeting engine's): migrated once."""
    section: ClassVar[tuple[str, type[Section]] | None] = None
    """Its part of config.yaml: the key and the model (in the feature's `config.py`)."""
    on_by_default: ClassVar[bool] = False
    """Without its section in the file: on with the section's defaults, or off."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @classmethod
    def enabled(cls, config: Config) -> bool:
        return cls.section is None or getattr(config, cls.section[0]) is not None

    def commands(self) -> list[Command]:
        return declared_commands(self)

    def subscriptions(self) -> dict[type, EventHandler]:
        """Event classes this feature wants to see, after the dispatcher's filters."""
        return {}

    def reactions(self) -> dict[str, ReactionDeclaration]:
        """Handlers by kind of this feature's tracked posts (the owner is the feature's name)."""
        return {}

    def conversation(self) -> ReplyHandler | None:
        """How this feature goes on when a member answers in their direct chat with the bot,
        while the feature owns their conversation (`services.direct.begin`)."""
        return None

    def web_routes(self) -> list[web.AbstractRouteDef]:
        """Pages this feature serves on the bot's web server (only when `web.enabled`)."""
        return []

    async def start(self) -> None:
        """Called once the first sync is through: rooms and state are known."""

    async def stop(self) -> None:
        """Called before the store closes."""

    async def on_gap(self, room_id: str) -> None:
        """The sync skipped events in this room (a limited timeline): re-read what matters."""


async def migrate(store: Store, features: Iterable[type[Feature]]) -> None:
    """Every table, in one place: tracked posts first (the meeting tables move its rows), then
    each feature's own and the shared ones it uses, each component once. Features that are
    switched off get theirs too, ready for the day they are switched on. The app runs it at
    start; the one-shot commands (export, provision) for the features they use."""
    await store.migrate(TrackedPosts.name, TrackedPosts.migrations)
    await store.migrate(DirectChats.name, DirectChats.migrations)
    components: dict[str, Sequence[Migration]] = {}
    for feature in features:
        for component, steps in (*feature.shared_tables, (feature.name, feature.migrations)):
            components.setdefault(component, steps)
    for component, steps in components.items():
        await store.migrate(component, steps)
