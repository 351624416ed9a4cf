"""What the plan and its history cost as the family's history grows (DESIGN.md section 8): the same number of
statements, at most ten, with a fresh family, one year and two years of history, and rows bounded by what the
page shows (the history a page at a time)."""

from __future__ import annotations

import pytest

from tests import history


@pytest.mark.parametrize("who", ["parent_a", "consultant_a"])
@pytest.mark.parametrize("page", ["", "/history"])
def test_the_plan_and_its_history_cost_the_same_at_any_size(app, client, world, who, page):
    url = f"/families/{world.family_a.id}/plan{page}"
    costs = history.costs_as_history_grows(app, client, world, getattr(world, who), url)
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10
    assert costs[1].rows == costs[2].rows
