"""`!links`: the community's places on the web, for a member who asks in any room.

The contract's worked example: this folder and one line in `features/catalog.py` are the whole
feature; its section of config.yaml comes from `config.py` here.
"""

from __future__ import annotations

from ...core.commands import CommandContext, command
from ...core.i18n import _, escape
from ...core.topics import COWORKING
from .. import Feature
from .config import LinksConfig


class LinksFeature(Feature):
    name = "links"
    section = ("links", LinksConfig)

    @command("links", help=_("Our links: website, house rules, events"),
             topic=COWORKING)
    async def links(self, ctx: CommandContext) -> None:
        config: LinksConfig = self.services.config.links
        lines = [ctx.t(_("**Our links**"))]
        lines += [f"- {escape(link.name)}: <{link.url}>" for link in config.items]
        await ctx.reply("\n".join(lines))
