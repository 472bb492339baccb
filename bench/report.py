"""The results as one Markdown table (printed, and pasted into the README's Performance)."""

from __future__ import annotations

from typing import Any

from .stats import ratio

CPU_TARGET = 1.5  # CPU per reaction, x the floor's
START_TARGET = 1.3  # process start to live, x bare nio's


def _lat(s: dict[str, Any]) -> str:
    if not s.get("n"):
        return "none"
    return f"{s['p50']:.0f} / {s['p95']:.0f} / {s['max']:.0f}"


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def rows(results: dict[str, Any]) -> list[list[str]]:
    table = []
    burst = results.get("reaction_burst")
    if burst:
        table.append([
            f"reaction burst, {burst['reactions']} members (ms from the homeserver's timestamp, "
            f"p50 / p95 / max; accepted in {burst['burst_seconds']:.1f} s)",
            _lat(burst["bot_ms"]), _lat(burst["floor_ms"]) + " (floor)",
            f"{burst['p95_ratio']:.2f}", f"≤ 1.2, {burst['lost']} lost", burst["verdict"]])
        cpu = burst.get("cpu_ms_per_reaction")
        if cpu:
            cpu_ratio = ratio(cpu['bot'], cpu['bare'])
            table.append(["CPU per reaction during the burst (ms)", f"{cpu['bot']:.2f}",
                          f"{cpu['bare']:.2f} (floor)", f"{cpu_ratio:.1f}", "≤ 1.5",
                          "ok" if cpu_ratio <= CPU_TARGET else "over"])
    trip = results.get("command_roundtrip")
    if trip:
        table.append([
            f"`{trip['command']}` round trip, {trip['commands']} commands (ms, p50 / p95 / max)",
            _lat(trip["bot_ms"]), _lat(trip["echo_ms"]) + " (echo)",
            f"{trip['p95_ratio']:.2f} (p50 {trip.get('p50_over_ms', 0):+.0f} ms)",
            f"p95 ≤ 1.10, p50 ≤ +5 ms, unanswered {trip['unanswered']['bot']}",
            trip["verdict"]])
    catchup = results.get("catchup")
    if catchup:
        table.append([
            f"catch-up: {catchup['events']} events made while down, process start to the "
            f"last handled (s; bot live at {catchup['bot_live_s']:.1f} s)",
            f"{catchup['bot_s']:.1f}", f"{catchup['bare_s']:.1f} (bare nio receiving all)",
            f"{catchup['ratio']:.2f}",
            f"≤ 1.2, lost {catchup['lost']}, doubled {catchup['doubled']}",
            catchup["verdict"]])
    scale = results.get("scale")
    if scale:
        for key, what in (("who", "`!who`"), ("edit", "check-in post's edit")):
            figure = scale[key]
            cut = ", cut to plain text to fit 64 KB" if figure["cut_to_plain"] else ""
            table.append([
                f"{what} with {scale['members']} checked in, of {scale['members']} members in "
                f"space and room (CPU ms, warm / first{cut})",
                f"{figure['cpu_ms']:.1f} / {figure['cold_cpu_ms']:.0f}", "", "",
                "≤ 10 ms", figure["verdict"]])
        memory = results.get("memory_start")
        if memory and "rooms_rss_mb" in scale:
            estimate = memory["rss_mb"]["bot_month"] + scale["rooms_rss_mb"]
            table.append([
                f"RSS with {scale['members']} members in space and room (MB: the bot's after "
                f"the month + {scale['rooms_rss_mb']:.0f} MB for nio's two member lists)",
                f"{estimate:.0f}", "", "", "≤ 100 MB", "ok" if estimate <= 100 else "over"])
    growth = results.get("data_growth")
    if growth:
        table += _growth_rows(growth)
    memory = results.get("memory_start")
    if memory:
        rss, start = memory["rss_mb"], memory["start_s"]
        table.append([
            f"RSS after start / after a month ({memory['scale']:g} × month) (MB)",
            f"{rss['bot_start']:.0f} / {rss['bot_month']:.0f}",
            f"{rss['bare_start']:.0f} / {rss['bare_month']:.0f} (bare nio)",
            f"{memory['rss_ratio']:.2f}", "≤ 100 MB", memory["verdict"]])
        table.append([
            "start: process to live / to first handled event (s)",
            f"{start['bot_to_live']:.1f} / {start['bot_to_first_event']:.1f}",
            f"{start['bare_to_live']:.1f} / {start['bare_to_first_event']:.1f} (bare nio)",
            f"{ratio(start['bot_to_live'], start['bare_to_live']):.2f}", "live ≤ 1.3",
            "ok" if ratio(start['bot_to_live'], start['bare_to_live']) <= START_TARGET
            else "over"])
    return table


INFORMATIVE = (
    ("whois_newcomer_ms", "`!whois` last coworking day (never checked in)", "flat"),
    ("calendar_feed_ms", "calendar feed (`/calendar.ics`)", "flat"),
    ("export_year_ms", "export of the last year", "none"),
)


def _growth_rows(growth: dict[str, Any]) -> list[list[str]]:
    sizes = growth["sizes"]
    names = sorted(sizes, key=int)
    label = " / ".join(f"{n}×" for n in names)
    rows_ = " / ".join(f"{sizes[n]['rows'] / 1000:.0f}k" for n in names)
    table = []
    for key, what in (("who_ms", "`!who`"), ("stats_ms", "`!stats`")):
        check = growth["checks"][key]
        table.append([
            f"{what} on {label} years ({rows_} rows), CPU ms",
            " / ".join(_ms(sizes[n][key]["cpu"]) for n in names), f"{names[0]}× store",
            f"{check['growth']:.2f}", "flat, ≤ 50 ms", check["verdict"]])
    for key, what, target in INFORMATIVE:
        if key in sizes[names[0]]:
            cpu = [sizes[n][key]["cpu"] for n in names]
            table.append([f"{what} on {label} years, CPU ms", " / ".join(map(_ms, cpu)),
                          f"{names[0]}× store", f"{ratio(cpu[-1], cpu[0]):.2f}", target, "-"])
    scans = sorted({s for n in names for s in sizes[n]["scans"]})
    table.append(["full table scans in these queries (EXPLAIN QUERY PLAN)",
                  str(len(scans)), "", "", "0", "ok" if not scans else "MISSED"])
    return table


def markdown(results: dict[str, Any]) -> str:
    header = ["figure", "bot", "baseline (same run)", "ratio", "target", "verdict"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(results)]
    machine = results.get("machine", {})
    if machine:
        lines.append("")
        lines.append(f"Load average during the run: {machine.get('loadavg')} on "
                     f"{machine.get('cpus')} CPUs.")
    return "\n".join(lines)
