"""What the family's home costs as its history grows (DESIGN.md section 8): the same number of statements, at most
ten, with a fresh family, one year and two years of history, and rows bounded by what the page shows."""

from __future__ import annotations

from tests import history


def _home(world) -> str:
    return f"/families/{world.family_a.id}/"


# The home's ten: the session, the user and the family (3); the next meeting with the last and next contact and
# what waits for the parent (1); the household (2); the goals with their steps counted (1); the agreements due
# (1); the questionnaires waiting (the scales' part: the meetings near now, the answers in their windows, 2).
def test_the_parents_home_costs_the_same_at_any_size(app, client, world):
    costs = history.costs_as_history_grows(app, client, world, world.parent_a, _home(world))
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10
    assert costs[1].rows == costs[2].rows


def test_the_consultants_mirrored_home_costs_the_same_at_any_size(app, client, world):
    costs = history.costs_as_history_grows(app, client, world, world.consultant_a, _home(world))
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10
    assert costs[1].rows == costs[2].rows
