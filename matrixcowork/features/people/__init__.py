"""Getting to know each other: introductions, profiles, `!whois` and `!find`.

A profile is an introduction, skills, what someone can help with and what they look for. The
introduction card lives in the introductions room (see `publish`). "Member since" is the first
day the bot knew someone: their join to the space, or their first profile or coffee write.
Through `offers` this feature answers for others with a member's card (the coffee roulette's
welcome) and learns when someone joined the coffee roulette; `!whois` asks the check-in and the
webinars for their figures the same way.
"""

from __future__ import annotations

from functools import partial

from nio import RoomMemberEvent

from ...core.arguments import user_id
from ...core.chat import txn_for
from ...core.commands import Arg, ArgError, CommandContext, command
from ...core.formatting import command_text
from ...core.i18n import _
from ...core.offers import (
    CARD_POSTED,
    KNOW_MEMBER,
    LAST_COWORKING_DAY,
    MEMBER_CARD,
    MEMBER_CARD_IF_ANY,
    NEW_MEMBERS,
    POST_INTRO,
    WEBINARS_GIVEN,
    WRITE_PROFILE,
)
from ...core.rooms import display_name
from ...core.services import Services
from ...core.topics import PEOPLE
from .. import EventHandler, Feature
from . import db, offered
from .config import PeopleConfig
from .publish import IntroCards
from .search import MIN_WORD, query_words, rank
from .texts import Figures, PeopleTexts

MAX_INTRO = 1000
MAX_TEXT = 300
MAX_SKILLS = 15
MAX_SKILL = 40


def intro_text(raw: str, ctx: CommandContext) -> str:
    return _limited(raw, MAX_INTRO)


def short_text(raw: str, ctx: CommandContext) -> str:
    return _limited(" ".join(raw.split()), MAX_TEXT)


def _limited(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) > limit:
        raise ArgError(_("Please keep it under {max} characters."), max=limit)
    return text


def skill_list(raw: str, ctx: CommandContext) -> list[str]:
    """`a, b, c`: distinct (ignoring case), each short, not too many."""
    skills: dict[str, str] = {}
    for part in raw.replace(";", ",").split(","):
        skill = " ".join(part.split())
        if len(skill) > MAX_SKILL:
            raise ArgError(_("Please keep each skill under {max} characters."), max=MAX_SKILL)
        if skill:
            skills.setdefault(skill.casefold(), skill)
    if len(skills) > MAX_SKILLS:
        raise ArgError(_("Please name at most {max} skills."), max=MAX_SKILLS)
    if not skills:
        raise ArgError(_("Name your skills separated by commas, like: Python, Buchhaltung."))
    return list(skills.values())


def search_words(raw: str, ctx: CommandContext) -> str:
    if not query_words(raw):
        raise ArgError(_("Give me at least one word of {min} letters or more."), min=MIN_WORD)
    return " ".join(raw.split())[:MAX_TEXT]


class PeopleFeature(Feature):
    name = "people"
    migrations = db.MIGRATIONS
    section = ("people", PeopleConfig)
    on_by_default = True

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.store = services.store
        self.texts = PeopleTexts(services.i18n, self.name_of, services.config.command_prefix)
        self.intros = IntroCards(services, self.texts)
        services.offers.provide(MEMBER_CARD, self.card_of)
        services.offers.provide(KNOW_MEMBER, partial(db.know, self.store))
        services.offers.provide(NEW_MEMBERS, partial(offered.new_members, self.store))
        services.offers.provide(MEMBER_CARD_IF_ANY, self.card_if_any)
        services.offers.provide(WRITE_PROFILE, self.write_field)
        services.offers.provide(POST_INTRO, self.post_intro)

    def name_of(self, user: str) -> str:
        return display_name(self.services.client, user)

    async def card_of(self, user: str) -> str:
        """The member's card, or that they have not introduced themselves yet."""
        profile = await db.profile(self.store, user)
        if profile is None or profile.is_empty:
            return self.texts.no_profile(user)
        return self.texts.card(profile)

    async def card_if_any(self, user: str) -> str | None:
        """The member's card; None while they have no profile (a note leaves it out)."""
        profile = await db.profile(self.store, user)
        return None if profile is None or profile.is_empty else self.texts.card(profile)

    async def write_field(self, user: str, name: str, text: str) -> str | None:
        """For the welcome conversation: one field from what the member wrote, checked as the
        commands check it; None when saved, else the problem (translated)."""
        convert = {"intro": intro_text, "skills": skill_list}.get(name, short_text)
        try:
            value = convert(text, None)  # type: ignore[arg-type]
        except ArgError as err:
            return self.services.i18n.t(err.message, **err.values)
        now = self._now()
        if name == "skills":
            await db.set_skills(self.store, user, value, now)
        else:
            await db.set_text(self.store, user, name, value, now)
        await db.know(self.store, user, self.services.clock.today(), "profile")
        profile = await db.profile(self.store, user)
        assert profile is not None
        await self.intros.update(profile)
        return None

    async def post_intro(self, user: str, txn: str) -> str | None:
        """Post (or bring up to date) the member's card; the name of the room it is in, None
        without a room or a profile."""
        profile = await db.profile(self.store, user)
        if profile is None or profile.is_empty:
            return None
        posted = await self.intros.post(profile, txn)
        await self.services.offers.get(CARD_POSTED)(user)
        return self.intros.room_name if posted else None

    def subscriptions(self) -> dict[type, EventHandler]:
        return {RoomMemberEvent: self.on_member}

    async def on_member(self, room_id: str, event: RoomMemberEvent) -> None:
        """A join to the space is the day someone became a member."""
        joined = event.membership == "join" and event.prev_membership != "join"
        if joined and room_id == self.services.permissions.space_room_id:
            await db.know(self.store, event.state_key, self.services.clock.today(), "space")

    async def _written(self, ctx: CommandContext) -> db.Profile:
        """After a write: remember since when we know the member; their profile as it is now."""
        await db.know(self.store, ctx.sender, self.services.clock.today(), "profile")
        profile = await db.profile(self.store, ctx.sender)
        assert profile is not None
        return profile

    def _now(self) -> str:
        return self.services.clock.now().isoformat()

    # --- commands -------------------------------------------------------------------------

    @command("intro", Arg(_("text"), intro_text, rest=True),
             help=_("Introduce yourself: a short card in the introductions room"),
             topic=PEOPLE, examples=(_("I build websites and love bouldering."),))
    async def intro(self, ctx: CommandContext, text: str) -> None:
        await db.set_text(self.store, ctx.sender, "intro", text, self._now())
        profile = await self._written(ctx)
        posted = await self.intros.post(profile, txn_for("intro", ctx.event_id))
        await self.services.offers.get(CARD_POSTED)(ctx.sender)
        if posted:
            await ctx.reply(ctx.t(_("Thanks! Your introduction is in {room}."),
                                  room=self.intros.room_name))
        else:
            whois = command_text(self.services.config.command_prefix, f"whois {ctx.sender}")
            await ctx.reply(ctx.t(_("Saved. There is no introductions room to post it in; "
                                  "{whois} shows it."), whois=whois))

    @command("profile", help=_("Show your profile"),
             topic=PEOPLE)
    async def profile(self, ctx: CommandContext) -> None:
        profile = await db.profile(self.store, ctx.sender)
        if profile is None or profile.is_empty:
            await ctx.reply(self.texts.own_empty())
        else:
            await ctx.reply(self.texts.card(profile))

    @command("profile skills", Arg(_("skills"), skill_list, rest=True),
             help=_("Set your skills, separated by commas"),
             topic=PEOPLE, examples=(_("Python, design, bouldering"),))
    async def profile_skills(self, ctx: CommandContext, skills: list[str]) -> None:
        await db.set_skills(self.store, ctx.sender, skills, self._now())
        await self._show_saved(ctx)

    @command("profile offer", Arg(_("text"), short_text, rest=True),
             help=_("Set what you can help others with"),
             topic=PEOPLE, examples=(_("Help with websites"),))
    async def profile_offer(self, ctx: CommandContext, text: str) -> None:
        await db.set_text(self.store, ctx.sender, "offer", text, self._now())
        await self._show_saved(ctx)

    @command("profile seek", Arg(_("text"), short_text, rest=True),
             help=_("Set what you are looking for"),
             topic=PEOPLE, examples=(_("Someone for the bookkeeping"),))
    async def profile_seek(self, ctx: CommandContext, text: str) -> None:
        await db.set_text(self.store, ctx.sender, "seek", text, self._now())
        await self._show_saved(ctx)

    async def _show_saved(self, ctx: CommandContext) -> None:
        profile = await self._written(ctx)
        await self.intros.update(profile)
        await ctx.reply(ctx.t(_("Saved. Your profile:")) + "\n\n" + self.texts.card(profile))

    @command("profile place", Arg(_("text"), short_text, rest=True),
             help=_("Set where you work: on site (which location) or remotely"),
             topic=PEOPLE, examples=(_("on site in Bielefeld, some days remote"),))
    async def profile_place(self, ctx: CommandContext, text: str) -> None:
        await db.set_text(self.store, ctx.sender, "place", text, self._now())
        await self._show_saved(ctx)

    @command("profile clear", help=_("Delete your profile and your introduction card"),
             topic=PEOPLE)
    async def profile_clear(self, ctx: CommandContext) -> None:
        profile = await db.profile(self.store, ctx.sender)
        if profile is None:
            await ctx.reply(ctx.t(_("You have no profile to delete.")))
            return
        await self.intros.remove(profile)
        await db.clear(self.store, ctx.sender)
        await ctx.reply(ctx.t(_("Your profile and your introduction card are deleted.")))

    @command("whois", Arg(_("user"), user_id), help=_("Show a member's card and figures"),
             topic=PEOPLE, examples=("@anna:example.org",))
    async def whois(self, ctx: CommandContext, user: str) -> None:
        store, offers = self.store, self.services.offers
        figures = Figures(
            since=await db.known_since(store, user),
            last_day=await offers.get(LAST_COWORKING_DAY)(user),
            webinars=await offers.get(WEBINARS_GIVEN)(user),
            shown=frozenset(o.name for o in (LAST_COWORKING_DAY, WEBINARS_GIVEN)
                            if offers.provided(o)),
        )
        await ctx.reply(self.texts.whois(user, await db.profile(store, user), figures))

    @command("find", Arg(_("words"), search_words, rest=True),
             help=_("Find members by skill, offer or introduction"),
             topic=PEOPLE, examples=(_("design"),))
    async def find(self, ctx: CommandContext, query: str) -> None:
        matches = rank(query, await db.profiles(self.store))
        await ctx.reply(self.texts.found(query, matches))
