"""The `links` section: the community's places on the web."""

from __future__ import annotations

from pydantic import Field

from ...core.config import Model, Section


class Link(Model):
    name: str = Field(min_length=1, max_length=60)
    url: str = Field(pattern=r"^https?://[^\s()<>\[\]]+$", max_length=500)


class LinksConfig(Section):
    """What `!links` lists, in this order (website, house rules, the public events page)."""

    items: list[Link] = Field(min_length=1, max_length=20)
