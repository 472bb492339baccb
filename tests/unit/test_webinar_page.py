"""The public page: the community's language, real headings, escaped member text, cancelled
webinars marked without a link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from matrixcowork.core.i18n import I18n
from matrixcowork.features.webinars.listing import PublicEvent
from matrixcowork.features.webinars.page import render_page

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2027, 1, 14, 17, 0, tzinfo=UTC)


def webinar(**changes) -> PublicEvent:
    values = dict(uid="webinar-1@owl.de", kind="webinar", title="Steuern <script>x</script>",
                  start=START, end=START + timedelta(hours=1), link="https://meet.jit.si/owl-a",
                  cancelled=False, sequence=0, speaker="Ben & Co", description="Zeile 1\n<b>2</b>")
    return PublicEvent(**{**values, **changes})


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def test_german_page_lists_the_webinar_with_time_speaker_and_link() -> None:
    page = render_page([webinar()], I18n("de", BERLIN), "Coworking OWL", "calendar.ics")
    found = tags(page)
    assert ("html", {"lang": "de"}) in found
    assert [t for t, _ in found].count("h1") == 1 and ("h3", {"id": "webinar-1"}) in found
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in found
    assert "<h1>Webinare von Coworking OWL</h1>" in page
    assert "Do., 14. Jan. 2027, 18:00–19:00" in page
    assert "mit Ben &amp; Co" in page
    assert ("a", {"class": "join", "href": "https://meet.jit.si/owl-a"}) in found
    assert ("a", {"href": "calendar.ics"}) in found
    assert "<script" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "&lt;b&gt;2&lt;/b&gt;" in page


def test_a_cancelled_webinar_is_struck_through_without_its_link() -> None:
    page = render_page([webinar(cancelled=True)], I18n("en", BERLIN), "OWL", "calendar.ics")
    assert '<html lang="en">' in page and "<del>Steuern" in page and "Cancelled" in page
    assert "meet.jit.si" not in page


def test_without_webinars_the_page_says_so() -> None:
    page = render_page([], I18n("en", BERLIN), "OWL", "calendar.ics")
    assert "No webinars are planned right now." in page and "<ul" not in page
