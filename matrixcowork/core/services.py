"""What every feature gets from the app: the shared services, built once at start."""

from __future__ import annotations

from dataclasses import dataclass, field

from nio import AsyncClient

from .chat import Chat
from .clock import Clock
from .config import Config
from .direct import DirectChats
from .i18n import I18n
from .offers import Offers
from .permissions import Permissions
from .rooms import RoomDirectory
from .scheduling import Scheduler
from .store import Store
from .tracked import TrackedPosts


@dataclass
class Services:
    config: Config
    store: Store
    chat: Chat
    client: AsyncClient  # read-only use: room state the sync delivered
    clock: Clock
    i18n: I18n
    scheduler: Scheduler  # the one way to run work later, on `clock`
    permissions: Permissions
    rooms: RoomDirectory
    tracked: TrackedPosts  # posts that count reactions
    direct: DirectChats  # members' direct chats with the bot, and conversations in them
    offers: Offers = field(default_factory=Offers)  # what features offer each other
