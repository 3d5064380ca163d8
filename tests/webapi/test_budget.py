"""The bot's own pacing per Web API method: a token bucket on an injected clock."""

from __future__ import annotations

import pytest

from bot.webapi.budget import Budget, Budgets, OverBudget


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_budget_allows_its_burst_then_its_rate():
    clock = FakeClock()
    budget = Budget(per_minute=60, burst=3, clock=clock)
    assert [budget.try_take() for _ in range(4)] == [True, True, True, False]
    clock.now += 1.0  # one a second
    assert [budget.try_take() for _ in range(2)] == [True, False]
    clock.now += 60.0  # a long quiet: back to the burst, not beyond
    assert sum(budget.try_take() for _ in range(10)) == 3


def test_over_budget_methods_raise_and_others_are_not_paced():
    clock = FakeClock()
    budgets = Budgets({"users.info": 60}, clock=clock)
    for _ in range(10):  # the default burst
        budgets.take("users.info")
    with pytest.raises(OverBudget, match=r"users\.info: over the bot's own budget of 60/min"):
        budgets.take("users.info")
    assert all(budgets.try_take("chat.update") for _ in range(100))
