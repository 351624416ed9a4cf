"""What the network map and "then and now" cost the database as the map's history grows (DESIGN.md section 8): at
most 10 statements, the same with two years of history; rows grow only with the people on the map today, never
with removed people or old versions (the versions to choose from are listed a page at a time)."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.network.models import NetworkRevision
from familyapp.network.views import VERSIONS_PER_PAGE
from tests import history


@pytest.mark.parametrize("who", ["parent_a", "consultant_a"])
@pytest.mark.parametrize("rest", ["/network", "/network/history", "/network/history?versions=2"])
def test_the_map_costs_the_same_with_two_years_of_history(app, client, world, who, rest):
    people = []

    def url():
        with app.app_context():
            people.append(history.people_on_map(world.family_a))
        return f"/families/{world.family_a.id}{rest}"

    costs = history.costs_as_history_grows(app, client, world, getattr(world, who), url)
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10, [len(c) for c in costs]
    grown = people[2] - people[1]
    if "versions=2" in rest:  # an older page of versions fills up as versions are made, to a page at most
        assert costs[2].rows - costs[1].rows <= VERSIONS_PER_PAGE + grown, ([c.rows for c in costs], people)
        return
    # The history's visitors to the map leave it again: the page grows only with the people on it today (none).
    assert costs[2].rows - costs[1].rows == grown, ([c.rows for c in costs], people)


def test_every_version_can_be_chosen_a_page_at_a_time(app, client, world, login):
    with app.app_context():
        history.grow(world, 12)
        total = db.session.scalar(
            select(func.count()).select_from(NetworkRevision).where(NetworkRevision.family_id == world.family_a.id)
        )
    login(world.parent_a)
    offered, address = set(), f"/families/{world.family_a.id}/network/history"
    while address:
        page = html.unescape(client.get(address).get_data(as_text=True))
        offered |= set(re.findall(r'<option value="([^"]+)"', page))
        older = re.search(r'href="([^"]+)" rel="next"', page)
        address = older.group(1) if older else None
    assert len(offered) == total and "Back to the newest" in page


@pytest.mark.parametrize("odd", ["x", "-1", "99999999999999999999", "500"])
def test_an_odd_page_of_versions_is_a_page_not_an_error(client, world, login, odd):
    login(world.parent_a)
    response = client.get(f"/families/{world.family_a.id}/network/history", query_string={"versions": odd})
    assert response.status_code == 200
