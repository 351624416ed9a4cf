"""What the meeting pages cost as the family's history grows (DESIGN.md section 8): the same number of statements,
at most ten, with a fresh family, one year and two years of history, and rows bounded by what the page shows (the
earlier meetings a page at a time; one meeting's own people, not all the family ever had)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.meetings.models import Meeting
from familyapp.network.models import NetworkPerson
from tests import factories, history


@pytest.mark.parametrize("who", ["parent_a", "consultant_a"])
def test_the_meetings_list_costs_the_same_at_any_size(app, client, world, who):
    url = f"/families/{world.family_a.id}/meetings"
    costs = history.costs_as_history_grows(app, client, world, getattr(world, who), url)
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10
    assert costs[1].rows == costs[2].rows


def _held_last_week(app, world):
    """A meeting a week ago, later than any the history adds: the one a parent opens to read the referat."""
    with app.app_context():
        start = db.utcnow().replace(microsecond=0) - timedelta(days=7)
        meeting = factories.make_meeting(world.family_a, world.parent_a, world.consultant_a, starts_at=start)
        db.session.commit()
        return f"/families/{world.family_a.id}/meetings/{meeting.id}"


@pytest.mark.parametrize("who", ["parent_a", "consultant_a"])
def test_a_held_meeting_costs_the_same_at_any_size(app, client, world, who):
    url = _held_last_week(app, world)
    costs = history.costs_as_history_grows(app, client, world, getattr(world, who), url)
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10
    assert costs[1].rows == costs[2].rows


def _coming(app, world) -> str:
    with app.app_context():
        meeting = db.session.scalar(
            select(Meeting).where(Meeting.family_id == world.family_a.id, Meeting.starts_at > db.utcnow())
        )
        return f"/families/{world.family_a.id}/meetings/{meeting.id}"


def test_the_consultants_coming_meeting_costs_the_same_at_any_size(app, client, world):
    costs = history.costs_as_history_grows(app, client, world, world.consultant_a, _coming(app, world))
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10
    assert costs[1].rows == costs[2].rows


def test_a_coming_meeting_grows_with_the_map_the_family_suggests_from_not_with_the_history(app, client, world):
    """The parent invited to a coming meeting may suggest anyone on the network map: the page lists the whole map
    (as it is now), so its rows follow the map's size, and nothing else of the history."""

    def on_map():
        with app.app_context():
            stmt = select(NetworkPerson).where(
                NetworkPerson.family_id == world.family_a.id, NetworkPerson.removed_at.is_(None)
            )
            return len(db.session.scalars(stmt).all())

    url = _coming(app, world)
    sizes, costs = [], []
    factories.sign_in(client, world.parent_a)
    for months, before in ((0, 0), (12, 0), (12, 12)):
        if months:
            with app.app_context():
                history.grow(world, months, before=before)
        sizes.append(on_map())
        client.get(url)
        with history.cost(app.extensions["db_engine"]) as seen:
            assert client.get(url).status_code == 200
        costs.append(seen)
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= 10
    assert costs[2].rows - costs[1].rows == sizes[2] - sizes[1]
