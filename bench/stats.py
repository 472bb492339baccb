"""Pure helpers for the figures: percentiles, summaries and ratios against a baseline."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100) by the nearest-rank method: always a measured value."""
    if not values:
        raise ValueError("no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is outside 0..100")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, float]:
    """p50, p95 and max of latencies (whatever unit they come in), and how many."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values),
    }


def ratio(value: float, baseline: float) -> float:
    """value / baseline; against a baseline of 0 anything above 0 is infinitely worse."""
    if baseline <= 0:
        return 1.0 if value <= 0 else math.inf
    return value / baseline


def meets(value: float, limit: float) -> str:
    return "ok" if value <= limit else "MISSED"
