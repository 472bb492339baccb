"""The generated `!help`: short enough for a phone, details on asking.

`!help` shows one line per topic with the commands the sender may use (a family such as
`!profile …` once); `!help <topic>` and `!help <command>` show each command's usage, what it
does and an example. Everything is built from the commands' declarations, in the language of
the community, placeholders included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from .commands import Arg, Command, CommandContext, Translate, command
from .formatting import command_text
from .i18n import I18n, Markup, _
from .permissions import Access
from .topics import MORE, ORGANIZERS, TOPICS, Topic

HELP = "help"


def topic_of(cmd: Command) -> Topic:
    """Commands for organizers and moderators form their own group, whatever they declare."""
    if cmd.access >= Access.MODERATOR:
        return ORGANIZERS
    return cmd.topic or MORE


def usage(name: str, prefix: str, t: Translate, *, filled: bool = False) -> Markup:
    """How to call the declared command `name`, as `!help` shows it and in the language of `t`:
    `usage("done", "!", de.t)` is `!done <Nr.>` in code style. Every hint in an answer is built
    here from the command's declaration, so it never drifts from it and never shows an English
    argument name in a German answer. `filled` shows optional arguments as wanted, for a hint
    that asks for them (`!feedback <Text>`)."""
    return command_text("", declared()[name].usage(prefix, t, filled))


@cache
def declared() -> dict[str, Command]:
    """Every command any feature declares (on or off), and `!help`, by name."""
    from ..features.catalog import FEATURES  # the one place naming the features

    found = [spec for owner in (*FEATURES, Help) for attr in dir(owner)
             if isinstance(spec := getattr(getattr(owner, attr), "__command__", None), Command)]
    return {spec.name: spec for spec in found}


class HelpTexts:
    def __init__(self, i18n: I18n, prefix: str) -> None:
        self.i18n = i18n
        self.prefix = prefix

    def code(self, text: str) -> Markup:
        return command_text(self.prefix, text)

    def overview(self, commands: Sequence[Command]) -> str:
        t = self.i18n.t
        shown = [topic for topic in TOPICS if self._of(topic, commands)]
        if not shown:
            return t(_("There is nothing for you here yet. Ask an organizer to invite you "
                       "to the community."))
        lines = [t(_("**What you can do here:**")), ""]
        for topic in shown:
            names = Markup(" ".join(self._families(self._of(topic, commands))))
            lines.append(t(_("- {emoji} **{topic}**: {commands}"), emoji=topic.emoji,
                           topic=t(topic.title), commands=names))
        return "\n".join([*lines, "", self._more(shown[0])])

    def details(self, query: str, commands: Sequence[Command]) -> str:
        """A topic by its title or key, or a command and its subcommands by name."""
        t = self.i18n.t
        wanted = " ".join(query.lower().removeprefix(self.prefix).split())
        for topic in TOPICS:
            if wanted in (topic.key, t(topic.title).lower()) and self._of(topic, commands):
                return self._listing(f"{topic.emoji} **{t(topic.title)}**",
                                     self._of(topic, commands))
        family = [c for c in commands if c.name == wanted or c.name.startswith(wanted + " ")]
        if family:
            return self._listing(f"**{self.code(wanted)}**", family)
        shown = [topic for topic in TOPICS if self._of(topic, commands)]
        return t(_("I know no topic or command “{query}”. Topics: {topics}."),
                 query=query[:40], topics=", ".join(t(topic.title) for topic in shown))

    def entry(self, cmd: Command) -> str:
        t = self.i18n.t
        line = f"- {self.code(cmd.usage('', t))} – {t(cmd.help)}"
        examples = Markup(", ".join(self.code(f"{cmd.name} {t(e)}") for e in cmd.examples))
        if examples:
            line += " " + t(_("(e.g. {examples})"), examples=examples)
        return line

    def _listing(self, title: str, commands: Sequence[Command]) -> str:
        return "\n".join([title, "", *(self.entry(cmd) for cmd in commands)])

    def _more(self, example: Topic) -> str:
        t = self.i18n.t
        topic, command = t(_("topic")), t(_("command"))
        return t(_("Details: {topic} or {command}, e.g. {example}."),
                 topic=self.code(f"{HELP} <{topic}>"), command=self.code(f"{HELP} <{command}>"),
                 example=self.code(f"{HELP} {t(example.title).lower()}"))

    def _families(self, commands: Sequence[Command]) -> list[Markup]:
        """`!profile …` once for `!profile`, `!profile skills`, …; a lone command by name."""
        firsts: dict[str, list[str]] = {}
        for cmd in commands:
            firsts.setdefault(cmd.name.split()[0], []).append(cmd.name)
        return [self.code(names[0] if len(names) == 1 else f"{first} …")
                for first, names in firsts.items()]

    @staticmethod
    def _of(topic: Topic, commands: Sequence[Command]) -> list[Command]:
        return [cmd for cmd in commands if topic_of(cmd) == topic]


class Help:
    """Owns the `!help` command; the app registers it with the router whose commands it lists."""

    def __init__(self, commands: Callable[[], Sequence[Command]]) -> None:
        self._commands = commands

    def usable(self, access: Access) -> list[Command]:
        return sorted((cmd for cmd in self._commands() if cmd.access <= access
                       and cmd.name != HELP), key=lambda cmd: cmd.name)

    @command(HELP, Arg(_("topic or command"), optional=True, rest=True),
             help=_("Show the commands you can use; with a topic or command, the details"),
             access=Access.EVERYONE, examples=(_("people"),))
    async def help(self, ctx: CommandContext, query: str | None) -> None:
        texts = HelpTexts(ctx.services.i18n, ctx.services.config.command_prefix)
        commands = self.usable(ctx.access)
        await ctx.reply(texts.details(query, commands) if query else texts.overview(commands))
