"""The digest's text in both languages: sections with something to say, in order; none, no post."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from matrixcowork.core.content import plain
from matrixcowork.core.i18n import I18n
from matrixcowork.core.offers import CheckinWeek, CoffeeResult, NewMember, NextMeeting
from matrixcowork.features.digest.texts import DigestTexts, Week

TZ = ZoneInfo("Europe/Berlin")
DAY = date(2026, 12, 7)


def week(**parts: object) -> Week:
    return Week(**{"day": DAY, "checkins": None, "sync": None, "webinars": None,
                   "newcomers": [], "coffee": None, **parts})  # type: ignore[arg-type]


def test_a_week_in_german() -> None:
    texts = DigestTexts(I18n("de", TZ), lambda user: {"@ben:x": "Ben"}.get(user, user))
    text = texts.digest(week(
        checkins=CheckinWeek(onsite=2, remote=3, members=4),
        sync=NextMeeting("Sync", datetime(2026, 12, 8, 18, 0, tzinfo=TZ), 2, ("Räume",)),
        newcomers=[NewMember("@ben:x", "Ich baue Websites")],
        coffee=CoffeeResult(date(2026, 12, 1), 2, 1),
    ))
    assert text is not None and plain(text) == (
        "📰 Die Woche in unserer Community (Mo., 7. Dez. 2026)\n\n"
        "Letzte Woche: 5 Check-ins (2 vor Ort, 3 remote) von 4 Mitgliedern.\n\n"
        "Nächster Sync: Di., 8. Dez. 2026, 18:00, 2 haben zugesagt. Auf der Agenda:\n\n"
        "- Räume\n\n"
        "Willkommen, neue Mitglieder:\n\n- Ben: Ich baue Websites\n\n"
        "Kaffee-Roulette: 1 von 2 Gruppen haben sich in der Runde vom Di., 1. Dez. 2026 "
        "getroffen.")


def test_an_empty_week_says_nothing_and_long_lists_are_cut() -> None:
    texts = DigestTexts(I18n("en", TZ), str)
    assert texts.digest(week()) is None
    assert texts.digest(week(checkins=CheckinWeek(0, 0, 0),
                             coffee=CoffeeResult(DAY, 0, 0))) is None
    many = texts.digest(week(newcomers=[NewMember(f"@m{i}:x", None) for i in range(8)]))
    assert many is not None and plain(many).endswith("- @m4:x\n- … and 3 more")
