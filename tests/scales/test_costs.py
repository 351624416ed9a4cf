"""What the scales' pages cost as the family's history grows (DESIGN.md section 8): the same number of statements,
at most 10, with a fresh family, one year and two years of history, and no more rows at two years than at one (the
pages read the meetings near now and a page of the answers, never the whole history). Paging through the results
history and the review queue: the right answers on each page, a page past the end, and odd page numbers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from familyapp import db
from familyapp.scales import queries
from tests import factories, history
from tests.scales.test_views import fill, meeting_in, s_url

BUDGET = 10


def assert_constant(costs):
    """Constant statements within the budget, and rows that stop growing once the page is full."""
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) <= BUDGET, [len(c) for c in costs]
    assert costs[1].rows == costs[2].rows, [c.rows for c in costs]


class TestCosts:
    @pytest.mark.parametrize("who", ["parent_a", "consultant_a", "co_consultant_a"])
    def test_the_scales_page(self, app, client, world, who):
        assert_constant(history.costs_as_history_grows(app, client, world, getattr(world, who), s_url(world)))

    def test_the_review_queue(self, app, client, world):
        assert_constant(history.costs_as_history_grows(app, client, world, world.consultant_a, "/review"))

    def test_the_form(self, app, client, world):
        with app.app_context():
            meeting = meeting_in(world, 24)
        url = s_url(world, f"/fill/wellbeing.m.{meeting.id}")
        assert_constant(history.costs_as_history_grows(app, client, world, world.parent_a, url))

    @pytest.mark.parametrize("drafted", [False, True], ids=["first-step", "after-a-draft"])
    def test_sending_the_form(self, app, client, world, drafted):
        engine = app.extensions["db_engine"]
        factories.sign_in(client, world.parent_a)
        measured, done = [], 0
        for months in history.MONTHS:
            with app.app_context():
                if months > done:
                    history.grow(world, months - done, before=done)
                    done = months
                meeting = meeting_in(world, 24)
            url = s_url(world, f"/fill/wellbeing.m.{meeting.id}")
            if drafted:
                assert client.post(f"{url}/draft", json={"values": {"me": "5"}}).status_code == 200
            with history.cost(engine) as seen:
                response = client.post(url, data=fill((5, 6, 7, 8)))
            assert response.status_code == 302
            measured.append(seen)
        assert_constant(measured)

    def test_what_waits_on_the_home_screen(self, app, client, world):
        """The scales' part of the home screen (the rest of it: tests/overview/)."""
        engine = app.extensions["db_engine"]
        measured, done = [], 0
        for months in history.MONTHS:
            with app.test_request_context():
                if months > done:
                    history.grow(world, months - done, before=done)
                    done = months
                queries.active_definitions()  # as the page has them, with the household
                queries.family_queries.household(world.family_a)
                with history.cost(engine) as seen:
                    waiting = queries.to_fill(world.family_a, world.parent_a, db.utcnow())
            assert {w.purpose for w, _row, _response in waiting} <= {"progression", "functioning"}
            measured.append(seen)
        assert_constant(measured)
        assert len(measured[0]) == 2  # the meetings near now, and the person's answers in their windows
