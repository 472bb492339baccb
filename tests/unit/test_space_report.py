"""The organizer's summary of a provisioning run, in both languages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from matrixcowork.core.formatting import to_html, to_plain
from matrixcowork.core.i18n import I18n
from matrixcowork.features.space.report import Report

TZ = ZoneInfo("Europe/Berlin")


def shown(report: Report, language: str = "en") -> list[str]:
    """The lines a member reads (the plain body of the rendered Markdown)."""
    return to_plain(to_html(report.render(I18n(language, TZ)))).splitlines()


def test_nothing_changed_is_one_line() -> None:
    assert shown(Report()) == ["Everything matches the config; nothing changed."]


def test_created_rooms_are_not_listed_as_updated_too() -> None:
    report = Report()
    report.created.append("Jobs")
    report.update("Jobs", "space link")
    report.update("Allgemein", "room topic")
    report.update("Allgemein", "room topic")
    report.unlinked.append("Off-Topic")
    assert report.updated == {"Allgemein": ["room topic"]}
    assert shown(report) == [
        "- Created: Jobs",
        "- Updated: Allgemein (room topic)",
        "- Removed from the space (not deleted): Off-Topic",
    ]


def test_problems_are_translated_with_their_values() -> None:
    report = Report()
    report.update("Coworking", "who may join")
    report.problem("I can't manage {room}: I need power level {needed} there and have {have}. "
                   "An organizer can raise mine.", room="Allgemein", needed=50, have=0)
    lines = shown(report, "de")
    assert lines[0] == "- Angepasst: Coworking (Zutritt)"
    assert lines[1].startswith("- ⚠️ Allgemein kann ich nicht verwalten")
    assert "Berechtigungsstufe 50" in lines[1]
