"""What Mine oplysninger, its download and "who has looked" cost the database as a family's history grows
(DESIGN.md section 8): a fixed number of statements, at most 10 a page, and rows bounded by what the page shows
(tests/history.py builds two years of history through the services). The download holds everything, so its rows
grow with the history; its statements do not, and it is written while it is read (test_export.py)."""

from __future__ import annotations

import pytest

from familyapp.overview import sections
from tests import factories, history


def _url(world, rest: str) -> str:
    return f"/families/{world.family_a.id}{rest}"


@pytest.mark.parametrize(
    "rest",
    [
        "/my-data",
        "/my-data/you",
        "/my-data/family",
        "/my-data/plan",
        "/my-data/plan-history",
        "/my-data/meetings",
        "/my-data/your-meeting-answers",
        "/my-data/network-map-history",
        "/my-data/your-answers",
        "/my-data/consents",
        "/my-data/partner-visits",
        "/my-data/consents?page=2",
    ],
)
def test_my_data_costs_the_same_with_two_years_of_history(app, client, world, rest):
    costs = history.costs_as_history_grows(app, client, world, world.parent_a, _url(world, rest))
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10, [len(c) for c in costs]
    assert costs[1].rows == costs[2].rows, [c.rows for c in costs]


@pytest.mark.parametrize("rest", ["/my-data/meetings?page=999", "/my-data/consents?page=99999999999999999999"])
def test_a_page_past_the_end_costs_the_same_as_any_page(app, client, world, rest):
    """The last page is found in the same query: the same statements; its rows are at most a page's."""
    costs = history.costs_as_history_grows(app, client, world, world.parent_a, _url(world, rest))
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10, [len(c) for c in costs]
    assert max(c.rows for c in costs) <= costs[0].rows + sections.PER_PAGE * 2, [c.rows for c in costs]


@pytest.mark.parametrize("who", ["parent_a", "consultant_a"])
def test_who_looked_stays_bounded(app, client, world, who):
    costs = history.costs_as_history_grows(app, client, world, getattr(world, who), _url(world, "/who-looked"))
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10, [len(c) for c in costs]
    assert costs[1].rows == costs[2].rows, [c.rows for c in costs]


def test_the_download_takes_the_same_statements_however_long_the_history(app, client, world):
    """Counted while the file is read: it is written as it is sent, so a count of the request alone would miss it."""
    engine = app.extensions["db_engine"]
    factories.sign_in(client, world.parent_a)
    counted, done = [], 0
    for months in history.MONTHS:
        if months > done:
            with app.app_context():
                history.grow(world, months - done, before=done)
            done = months
        client.get(_url(world, "/my-data.json")).get_data()
        with history.cost(engine) as seen:
            response = client.get(_url(world, "/my-data.json"))
            assert response.is_streamed and response.get_data()
        counted.append(len(seen))
    assert counted[0] == counted[1] == counted[2], counted
