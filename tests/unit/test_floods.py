"""The command budget as a table: a burst, one warning, silence, and the refill."""

from matrixcowork.core.floods import CommandBudget, Verdict

RUN, SLOW, IGNORE = Verdict.RUN, Verdict.SLOW_DOWN, Verdict.IGNORE


def test_burst_then_one_warning_then_silence_then_refill() -> None:
    now = [0.0]
    budget = CommandBudget(3, 30, now=lambda: now[0])
    assert [budget.take("@ben:x") for _ in range(6)] == [RUN, RUN, RUN, SLOW, IGNORE, IGNORE]
    assert budget.take("@cem:x") is RUN  # everyone has a budget of their own
    now[0] = 10.0  # one command per 10 s comes back
    assert [budget.take("@ben:x") for _ in range(3)] == [RUN, SLOW, IGNORE]
    now[0] = 100.0  # never more than the burst
    assert [budget.take("@ben:x") for _ in range(4)] == [RUN, RUN, RUN, SLOW]
