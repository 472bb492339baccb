"""Declared commands: parsing, permission checks, friendly errors and the generated `!help`.

A feature declares a command with `@command("agenda add", Arg("text", rest=True), ...)` on an
async method. The router finds the longest declared name at the start of a message, converts
the arguments with the declared converters, checks the sender's access and calls the method.
A bad call is answered with the usage built from the same declaration, so help never drifts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .chat import txn_for
from .floods import CommandBudget, Verdict
from .formatting import command_text
from .i18n import Message, _
from .permissions import Access
from .topics import Topic

if TYPE_CHECKING:
    from .services import Services

log = logging.getLogger(__name__)

Converter = Callable[[str, "CommandContext"], Any]
Handler = Callable[..., Awaitable[None]]
Translate = Callable[[str], str]
_TOKEN = re.compile(r"\S+")
MAX_COMMAND_LENGTH = 4000


class ArgError(Exception):
    """A malformed argument; `message` is an untranslated message id with its values."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.values = values


@dataclass(frozen=True)
class Arg:
    """One argument: `rest` takes the remainder of the line (free text). The name is what
    people read in the usage, a marked message: `Arg(_("user"), user_id)`."""

    name: str
    convert: Converter | None = None
    optional: bool = False
    rest: bool = False

    def usage(self, t: Translate = str, filled: bool = False) -> str:
        """`<name>`, or `[name]` when it may be left out (unless `filled`: a hint that asks for
        it), the name in the language of `t`."""
        return f"[{t(self.name)}]" if self.optional and not filled else f"<{t(self.name)}>"


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    args: tuple[Arg, ...] = ()
    access: Access = Access.MEMBER
    handler: Handler | None = None
    topic: Topic | None = None
    examples: tuple[str, ...] = ()
    """What follows the name in an example call, marked messages: `_("@anna:example.org")`."""

    def usage(self, prefix: str, t: Translate = str, filled: bool = False) -> str:
        return " ".join([prefix + self.name, *(a.usage(t, filled) for a in self.args)])


def command(
    name: str, *args: Arg, help: str, access: Access = Access.MEMBER,
    topic: Topic | None = None, examples: tuple[str, ...] = (),
) -> Callable[[Handler], Handler]:
    """Declare a feature method as a command; the app binds and registers it. `topic` groups
    it in `!help` (see `core/topics.py`)."""

    def mark(func: Handler) -> Handler:
        func.__command__ = Command(name=name, help=help, args=args, access=access,  # type: ignore[attr-defined]
                                   topic=topic, examples=examples)
        return func

    return mark


def declared_commands(owner: object) -> list[Command]:
    """The `@command` methods of a feature, bound to it."""
    found = []
    for attr in dir(type(owner)):
        spec = getattr(getattr(type(owner), attr), "__command__", None)
        if isinstance(spec, Command):
            found.append(replace(spec, handler=getattr(owner, attr)))
    return found


@dataclass
class CommandContext:
    """What a handler knows about the command it runs and how it answers."""

    services: Services
    room_id: str
    sender: str
    event_id: str
    access: Access
    command: Command | None = None
    _replies: int = field(default=0, repr=False)

    def t(self, message: str, /, **values: object) -> str:
        return self.services.i18n.t(message, **values)

    async def pin(self, name: str, resolve: Callable[[], Awaitable[Any]]) -> Any:
        """The command's target, resolved once: a replay after a crash gets the same value
        (`Store.pinned`, keyed by this command's event id)."""
        return await self.services.store.pinned(self.event_id, name, resolve)

    async def reply(self, markdown_text: str, *, mentions: list[str] | None = None) -> None:
        """Answer as a Matrix reply, queued in the room's outbox: the sync loop goes on while
        it waits for the homeserver, and the room's messages keep their order. The
        transaction id comes from the command's event id, so a command replayed after a crash
        queues and sends its answer once, not twice."""
        await self.services.chat.queue(self.room_id, markdown_text, **self._reply(mentions))

    async def post_reply(self, markdown_text: str, *, mentions: list[str] | None = None) -> str:
        """The same reply, but returns once it is sent: its event id (for a post that counts
        reactions). The command waits for everything its room had queued before."""
        event_id = await self.services.chat.queue(self.room_id, markdown_text, wait=True,
                                                  **self._reply(mentions))
        assert event_id is not None
        return event_id

    def _reply(self, mentions: list[str] | None) -> dict[str, Any]:
        self._replies += 1
        return {"reply_to": self.event_id, "mentions": mentions,
                "txn": txn_for(self.event_id, str(self._replies))}


class CommandRouter:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.prefix = services.config.command_prefix
        self._commands: dict[str, Command] = {}
        rate = services.config.command_rate_limit
        self.budget = CommandBudget(rate.commands, rate.seconds)

    def register(self, cmd: Command) -> None:
        if cmd.name in self._commands:
            raise ValueError(f"command {cmd.name!r} is declared twice")
        self._commands[cmd.name] = cmd

    def register_all(self, commands: Sequence[Command]) -> None:
        for cmd in commands:
            self.register(cmd)

    @property
    def commands(self) -> list[Command]:
        return sorted(self._commands.values(), key=lambda c: c.name)

    def is_command(self, body: str) -> bool:
        return body.startswith(self.prefix) and len(body) > len(self.prefix)

    async def handle(self, room_id: str, sender: str, event_id: str, body: str) -> None:
        """Run one command message; every outcome is a reply, never a traceback."""
        services = self.services
        ctx = CommandContext(
            services, room_id, sender, event_id, services.permissions.access_of(sender)
        )
        if ctx.access < Access.MODERATOR:
            verdict = self.budget.take(sender)
            if verdict is not Verdict.RUN:
                log.info("%s from %s: over the command budget", verdict.value, sender)
                if verdict is Verdict.SLOW_DOWN:
                    await ctx.reply(ctx.t(_("Slow down, please: that was a lot of commands "
                                            "at once. Try again in a minute.")))
                return
        line = body[len(self.prefix):].strip()
        if len(line) > MAX_COMMAND_LENGTH:
            await ctx.reply(ctx.t(_("That command is too long.")))
            return
        cmd, rest = self._match(line)
        if cmd is None:
            await ctx.reply(
                ctx.t(_("I don't know that command. Type {help} to see what I can do."),
                      help=command_text(self.prefix, "help"))
            )
            return
        ctx.command = cmd
        if ctx.access < cmd.access:
            await ctx.reply(self._refusal(ctx, cmd.access))
            return
        try:
            values = self._convert(cmd, rest, ctx)
        except ArgError as err:
            await ctx.reply(
                ctx.t(err.message, **err.values) + "\n\n"
                + ctx.t(_("Usage: {usage}"),
                        usage=command_text("", cmd.usage(self.prefix, ctx.t)))
            )
            return
        assert cmd.handler is not None
        try:
            await cmd.handler(ctx, *values)
        except Exception:
            log.exception("command %s failed (event %s)", cmd.name, event_id)
            await ctx.reply(
                ctx.t(_("Sorry, something went wrong. The organizers can see the log.")))

    def _match(self, line: str) -> tuple[Command | None, str]:
        tokens = list(_TOKEN.finditer(line))
        for size in range(min(len(tokens), 3), 0, -1):
            name = " ".join(t.group().lower() for t in tokens[:size])
            if name in self._commands:
                return self._commands[name], line[tokens[size - 1].end():].strip()
        return None, ""

    def _convert(self, cmd: Command, rest: str, ctx: CommandContext) -> list[Any]:
        values: list[Any] = []
        for arg in cmd.args:
            if arg.rest:
                raw, rest = rest.strip(), ""
            else:
                match = _TOKEN.search(rest)
                raw = match.group() if match else ""
                rest = rest[match.end():] if match else ""
            if not raw:
                if not arg.optional:
                    raise ArgError(_("Something is missing: {name}."), name=Message(arg.name))
                values.append(None)
                continue
            values.append(arg.convert(raw, ctx) if arg.convert else raw)
        if rest.strip():
            raise ArgError(_("Too many words: {extra}"), extra=rest.strip()[:80])
        return values

    def _refusal(self, ctx: CommandContext, needed: Access) -> str:
        if needed >= Access.ORGANIZER:
            return ctx.t(_("Only organizers can do that."))
        if needed >= Access.MODERATOR:
            return ctx.t(_("Only organizers and moderators can do that."))
        return ctx.t(_("This is for members of the community. Ask an organizer to invite you."))
