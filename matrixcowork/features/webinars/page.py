"""The public page: upcoming webinars for people of the region, with or without Matrix.

Plain HTML in the community's language, no JavaScript: a proper `lang`, one `h1`, a heading
per webinar, real links, readable on a phone and with a screen reader. Everything a member
typed (title, description, name) is HTML-escaped here; the texts come from the catalog
without values and are filled with escaped ones.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from ...core.i18n import I18n, _
from .listing import PublicEvent

STYLE = """
body{font:1.05rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1b1b1b;background:#fafafa}
header,main,footer{max-width:44rem;margin:0 auto;padding:1rem 1.25rem}
h1{font-size:1.7rem;line-height:1.2;margin:.5rem 0}
ul.events{list-style:none;padding:0;margin:0}
article{background:#fff;border:1px solid #d0d0d0;border-radius:.5rem;padding:1rem 1.25rem;
margin:0 0 1rem}
article h3{margin:0 0 .25rem;font-size:1.25rem}
.when{font-weight:600}.description{white-space:pre-line}
.cancelled{color:#8a1c1c;font-weight:700}
a{color:#0b57d0}a:focus{outline:3px solid #f0a000;outline-offset:2px}
a.join{display:inline-block;padding:.5rem 1rem;border-radius:.4rem;background:#0b57d0;
color:#fff;text-decoration:none;font-weight:600}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap}
"""


class PageTexts:
    """The page's wording in the community's language, HTML-escaped values filled in."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n

    def __call__(self, message: str, /, **values: object) -> str:
        text = self.i18n.t(message)  # no values: nothing Markdown-escaped
        return text.format(**{k: html.escape(str(v)) for k, v in values.items()})

    def when(self, event: PublicEvent) -> str:
        return f"{self.i18n.datetime(event.start)}–{self.i18n.time(event.end)}"


def render_page(events: Sequence[PublicEvent], i18n: I18n, community: str,
                feed_url: str) -> str:
    t = PageTexts(i18n)
    items = "\n".join(_item(event, t, i18n) for event in events)
    empty = t(_("No webinars are planned right now. Subscribe to the calendar to hear of "
                "new ones."))
    listing = f'<ul class="events">\n{items}\n</ul>' if events else f"<p>{empty}</p>"
    title = t(_("Webinars of {community}"), community=community)
    welcome = t(_("Members of {community} share what they know. Everyone is welcome: join "
                  "with the link, no account needed."), community=community)
    subscribe = t(_("Subscribe to the calendar"))
    heading = t(_("Upcoming webinars"))
    feed = html.escape(feed_url)
    return f"""<!DOCTYPE html>
<html lang="{i18n.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="alternate" type="text/calendar" href="{feed}">
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p>{welcome}</p>
<p><a href="{feed}">{subscribe}</a></p>
</header>
<main>
<h2>{heading}</h2>
{listing}
</main>
</body>
</html>
"""


def _item(event: PublicEvent, t: PageTexts, i18n: I18n) -> str:
    anchor = html.escape(event.uid.split("@", 1)[0])
    start = event.start.astimezone(i18n.tz).isoformat()
    title = html.escape(event.title)
    lines = [f'<li><article aria-labelledby="{anchor}">']
    if event.cancelled:
        cancelled = t(_("Cancelled"))
        lines += [f'<h3 id="{anchor}"><del>{title}</del></h3>',
                  f'<p class="cancelled">{cancelled}</p>']
    else:
        lines.append(f'<h3 id="{anchor}">{title}</h3>')
    when = html.escape(t.when(event))
    lines.append(f'<p class="when"><time datetime="{start}">{when}</time></p>')
    if event.speaker:
        speaker = t(_("with {speaker}"), speaker=event.speaker)
        lines.append(f"<p>{speaker}</p>")
    if event.description:
        lines.append(f'<p class="description">{html.escape(event.description)}</p>')
    if not event.cancelled and event.place:
        where = t(_("Where: {place}"), place=event.place)
        lines.append(f"<p>{where}</p>")
    elif not event.cancelled:
        join = t(_("Join the video call"))
        lines.append(f'<p><a class="join" href="{html.escape(event.link)}">{join}'
                     f'<span class="visually-hidden">: {title}</span></a></p>')
    lines.append("</article></li>")
    return "\n".join(lines)
