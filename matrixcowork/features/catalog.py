"""The list of features, in start order: the one place that names them. Adding a feature is a
folder under `features/` and a line here."""

from __future__ import annotations

from . import Feature
from .checkin import CheckinFeature
from .coffee import CoffeeFeature
from .cowork import CoworkFeature
from .digest import DigestFeature
from .encryption import EncryptionFeature
from .events import EventsFeature
from .feedback import FeedbackFeature
from .links import LinksFeature
from .minutes import MinutesFeature
from .people import PeopleFeature
from .prompts import PromptsFeature
from .questions import QuestionsFeature
from .quiet import QuietFeature
from .reminders import RemindersFeature
from .requests import RequestsFeature
from .space import SpaceFeature
from .status import StatusFeature
from .sync import SyncFeature
from .updates import UpdatesFeature
from .webinars import WebinarsFeature
from .welcome import WelcomeFeature

FEATURES: list[type[Feature]] = [
    StatusFeature,
    SpaceFeature,
    RequestsFeature,
    CheckinFeature,
    SyncFeature,
    PeopleFeature,
    CoffeeFeature,
    WelcomeFeature,
    CoworkFeature,
    EncryptionFeature,
    WebinarsFeature,
    EventsFeature,
    LinksFeature,
    DigestFeature,
    PromptsFeature,
    QuietFeature,
    MinutesFeature,
    QuestionsFeature,
    FeedbackFeature,
    UpdatesFeature,
    RemindersFeature,
]
