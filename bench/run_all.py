"""Every benchmark in one run: prints a Markdown table and writes bench/results.json.

    python -m bench.run_all --quick     # 50 members, 50 commands, a tenth of a month, 1×/10×,
                                        # 1,000 events to catch up, !who of 2,000
    python -m bench.run_all             # 200 members, 200 commands, a month, 1×/10×/100×,
                                        # 5,000 events to catch up, !who of 2,000

The first run registers the members (kept in the work dir for later runs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

from . import catchup, command_roundtrip, data_growth, memory_start, reaction_burst, scale
from .common import machine_load, make_world, scene
from .homeserver import DEFAULT_WORKDIR
from .report import markdown

RESULTS = Path(__file__).parent / "results.json"
QUICK = {"members": 50, "commands": 50, "scale": 0.1, "sizes": [1, 10], "events": 1000,
         "region": 2000}
FULL = {"members": 200, "commands": 200, "scale": 1.0, "sizes": [1, 10, 100], "events": 5000,
        "region": 2000}


async def run(settings: dict[str, Any], workdir: Path) -> dict[str, Any]:
    started = time.monotonic()
    results: dict[str, Any] = {"settings": settings, "machine_before": machine_load()}
    world = await make_world(workdir, settings["members"])
    try:
        async with scene(world, "burst") as s:
            results["reaction_burst"] = await reaction_burst.measure(s)
            results["command_roundtrip"] = await command_roundtrip.measure(
                s, settings["commands"])
        results["memory_start"] = await memory_start.measure(world, settings["scale"])
        results["catchup"] = await catchup.measure(world, settings["events"])
    finally:
        world.server.stop()
    results["data_growth"] = await data_growth.measure(workdir, settings["sizes"])
    results["scale"] = await scale.measure(settings["region"])
    results["machine"] = machine_load()
    results["seconds"] = round(time.monotonic() - started)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--members", type=int)
    parser.add_argument("--commands", type=int)
    parser.add_argument("--scale", type=float, help="share of a month of traffic")
    parser.add_argument("--sizes", type=int, nargs="+", help="years of history")
    parser.add_argument("--events", type=int, help="events made while the bot is down")
    parser.add_argument("--region", type=int, help="members for the !who and edit CPU")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--show", type=Path, help="only print the table of a results file")
    args = parser.parse_args()
    if args.show:
        print(markdown(json.loads(args.show.read_text())))
        return
    settings = dict(QUICK if args.quick else FULL)
    settings.update({k: v for k in settings if (v := getattr(args, k)) is not None})
    results = asyncio.run(run(settings, args.workdir))
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(markdown(results))
    print(f"\n{results['seconds']} s; details in {args.out}")


if __name__ == "__main__":
    main()
