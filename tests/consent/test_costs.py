"""What the consent centre costs the database as a family's history of giving and withdrawing grows (DESIGN.md
section 8): at most 10 statements, the same with two years of history, and rows bounded by what it shows (each
request with its current state, the latest page of the history); the consultant's choice of recipient lists the
people on the map today, so it grows with them and with nothing else."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.consent.views import HISTORY_PER_PAGE
from tests import history


@pytest.mark.parametrize("who", ["parent_a", "consultant_a"])
@pytest.mark.parametrize("rest", ["/consent", "/consent?history=2", "/consent?history=999"])
def test_the_consent_centre_costs_the_same_with_two_years_of_history(app, client, world, who, rest):
    people = []

    def url():
        with app.app_context():
            people.append(history.people_on_map(world.family_a))
        return f"/families/{world.family_a.id}{rest}"

    costs = history.costs_as_history_grows(app, client, world, getattr(world, who), url)
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10, [len(c) for c in costs]
    if "999" in rest:  # the last page: found in the same query, never more than a page of the history
        assert costs[2].rows - costs[0].rows <= HISTORY_PER_PAGE + people[2] - people[0], [c.rows for c in costs]
        return
    grown = people[2] - people[1] if who == "consultant_a" else 0
    assert costs[2].rows - costs[1].rows == grown, ([c.rows for c in costs], people)


def test_the_history_a_page_at_a_time_newest_first(app, client, world, login):
    with app.app_context():
        history.grow(world, 12)
    login(world.parent_a)
    seen, address, pages = [], f"/families/{world.family_a.id}/consent", 0
    while address:
        page = html.unescape(client.get(address).get_data(as_text=True))
        history_part = page.split('class="plain-list consent-history"')[1].split("</ol>")[0]
        seen += re.findall(r"<li>", history_part)
        pages += 1
        older = re.search(r'href="([^"]+)" rel="next"', page)
        address = older.group(1) if older else None
    assert pages > 2 and "Back to the newest" in page
    from familyapp.gate.models import ConsentRecord

    total = db.session.scalar(
        select(func.count()).select_from(ConsentRecord).where(ConsentRecord.family_id == world.family_a.id)
    )
    assert len(seen) == total


@pytest.mark.parametrize("odd", ["x", "-3", "99999999999999999999", ""])
def test_an_odd_history_page_is_a_page_not_an_error(client, world, login, odd):
    login(world.parent_a)
    response = client.get(f"/families/{world.family_a.id}/consent", query_string={"history": odd})
    assert response.status_code == 200 and "consent-history" in response.get_data(as_text=True)
