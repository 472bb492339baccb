"""The benchmarks' pure helpers: nearest-rank percentiles and ratios against a baseline."""

import math

import pytest

from bench.stats import meets, percentile, ratio, summary


def test_percentile_is_a_measured_value_by_nearest_rank():
    values = [5, 1, 4, 2, 3]
    assert percentile(values, 50) == 3
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 5
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile(list(range(1, 21)), 95) == 19


def test_percentile_refuses_nothing_and_out_of_range():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_summary_of_latencies():
    assert summary([30.0, 10.0, 20.0]) == {"n": 3, "p50": 20.0, "p95": 30.0, "max": 30.0}
    assert summary([]) == {"n": 0}


def test_ratio_against_a_zero_baseline_and_the_verdict():
    assert ratio(3, 2) == 1.5
    assert ratio(0, 0) == 1.0
    assert ratio(1, 0) == math.inf
    assert meets(1.2, 1.2) == "ok"
    assert meets(1.21, 1.2) == "MISSED"
