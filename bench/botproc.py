"""The bot under measurement: `matrixcowork run`, plus stamps of what it did and when.

Stamps, each with this process's `time.time()`:
- `live`: the first sync is handled and the features run (`App.start` returned);
- `checkin`: an attendance row was committed (wraps the check-in feature's one write verb);
- `command`: a command was answered (its reply left the outbox, accepted by the homeserver).
The bot itself is unchanged: the wrappers only add a line to the records file.

    python -m bench.botproc --config bot.yaml --out records.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from typing import Any

from matrixcowork.app import App
from matrixcowork.core.config import load_config
from matrixcowork.core.logs import setup_logging
from matrixcowork.core.outbox import Outbox
from matrixcowork.features.checkin import db as checkin_db

from .processes import JsonLines, until_signal


def install_stamps(out: JsonLines) -> None:
    check_in = checkin_db.check_in
    send_one = Outbox._send_one

    async def stamped_check_in(store: Any, day: Any, user_id: str, *args: Any,
                               **kwargs: Any) -> None:
        await check_in(store, day, user_id, *args, **kwargs)
        out.write("checkin", user=user_id)

    async def stamped_send_one(self: Outbox, room_id: str, row: Any) -> Any:
        result = await send_one(self, room_id, row)
        relates = json.loads(row["content"]).get("m.relates_to") or {}
        answered = (relates.get("m.in_reply_to") or {}).get("event_id")
        if answered:  # a command's reply, sent: the command is answered
            out.write("command", id=answered)
        return result

    checkin_db.check_in = stamped_check_in  # the feature calls it as `db.check_in`
    Outbox._send_one = stamped_send_one  # type: ignore[method-assign]


async def run(config_path: str, out: JsonLines) -> None:
    config = load_config(config_path)
    setup_logging(config.log_level, [s.get_secret_value() for s in (config.password,) if s])
    app = App(config)
    try:
        await app.start()
        out.write("live")
        await app.wait()
    finally:
        await app.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out = JsonLines(args.out)
    install_stamps(out)
    profile = os.environ.get("BENCH_PROFILE")  # a cProfile of the whole run, for finding costs
    if not profile:
        asyncio.run(until_signal(run(args.config, out)))
        return
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        asyncio.run(until_signal(run(args.config, out)))
    finally:
        profiler.disable()
        profiler.dump_stats(profile)


if __name__ == "__main__":
    main()
