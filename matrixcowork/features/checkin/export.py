"""`matrixcowork export attendance`: attendance rows as CSV or JSON, read from the database.

Cells are made inert for spreadsheets (`inert`); JSON is written as it is.

Needs no homeserver: it opens the bot's database in the data dir (WAL lets it read while the
bot runs) and writes one record per member and day.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from ...core.config import Config
from ...core.store import DB_FILE, Store, StoreError
from .. import migrate
from . import CheckinFeature, db

MATRIX_ID = re.compile(r"@[a-z0-9._=/+-]+:[A-Za-z0-9.-]+(:[0-9]{1,5})?")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIELDS = ("day", "user_id", "mode", "checked_in_at", "source", "note")


def records(rows: list[db.Attendance], tz: ZoneInfo,
            place: Callable[[str], str] = str) -> list[dict[str, Any]]:
    """`mode` is the place's key (`place` maps an old `onsite` to the first location, as the
    bot does at its next start)."""
    return [
        {
            "day": row.day.isoformat(),
            "user_id": row.user_id,
            "mode": place(row.mode),
            "checked_in_at": datetime.fromtimestamp(row.at, tz).isoformat(timespec="seconds"),
            "source": row.source,
            "note": row.note or "",
        }
        for row in rows
    ]


def write(rows: list[dict[str, Any]], fmt: str, out: IO[str]) -> None:
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: inert(v) for k, v in row.items()} for row in rows)


def inert(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first) is
    prefixed with `'` (OWASP's rule for CSV injection), so it shows as the text it is. A user
    id of the Matrix grammar stays as it is: it has no parentheses, quotes, spaces, `!` or `|`
    to make a formula of; any other (historical ids from other servers) is prefixed too."""
    if (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not MATRIX_ID.fullmatch(value)):
        return "'" + value
    return value


async def export_attendance(
    config: Config, first: date, last: date, fmt: str, out: IO[str]
) -> int:
    """Write the rows from `first` to `last`; returns how many."""
    path = config.data_dir / DB_FILE
    if not path.exists():
        raise StoreError(f"no database at {path}: check data_dir")
    store = await Store.open(path)
    try:
        await migrate(store, [CheckinFeature])
        rows = await db.attendance_between(store, first, last)
    finally:
        await store.close()
    place = config.checkin.place_key if config.checkin else str
    write(records(rows, config.tz, place), fmt, out)
    return len(rows)
