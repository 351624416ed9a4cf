"""What the year wheel costs as the family's history grows (DESIGN.md section 8): the same number of statements,
at most ten, with a fresh family, one year and two years of history; its meetings are the shown months' (and
for the consultant also the choices to link an activity to), never all the family ever had."""

from __future__ import annotations

import pytest

from tests import history


@pytest.mark.parametrize("who", ["parent_a", "consultant_a"])
def test_the_year_wheel_costs_the_same_at_any_size(app, client, world, who):
    url = f"/families/{world.family_a.id}/yearwheel"
    costs = history.costs_as_history_grows(app, client, world, getattr(world, who), url)
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10
    assert costs[1].rows == costs[2].rows
