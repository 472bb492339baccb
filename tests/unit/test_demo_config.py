"""The demo switches every feature on: its config, written as `matrixcowork demo` writes it and
read by the real loader, passes each feature's own `enabled` check (the app's test when it
wires the features). A feature added to the catalog and left out of the demo fails here."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from matrixcowork.core.config import load_config
from matrixcowork.features.catalog import FEATURES
from matrixcowork.ops.demo_config import TIMEZONE, demo_config


def written(folder: Path, now: datetime) -> Path:
    path = folder / "config.yaml"
    raw = demo_config(folder, "http://127.0.0.1:8008", 8080, "secret", now)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_every_feature_of_the_catalog_is_on_in_the_demo(tmp_path: Path) -> None:
    config = load_config(written(tmp_path, datetime.now(ZoneInfo(TIMEZONE))), environ={})
    off = [cls.__name__ for cls in FEATURES if not cls.enabled(config)]
    assert off == []


def test_the_demo_knocks_welcomes_and_checks_in_at_two_places(tmp_path: Path) -> None:
    late = datetime(2026, 3, 29, 23, 30, tzinfo=ZoneInfo(TIMEZONE))  # any hour of a DST day
    config = load_config(written(tmp_path, late), environ={})
    assert config.space is not None and config.space.knocks
    assert config.room(config.space.organizer_room or "").access == "organizers"
    assert config.welcome is not None and config.quiet is not None
    assert config.checkin is not None
    assert [loc.name for loc in config.checkin.locations or []] == ["Bielefeld", "Detmold"]
