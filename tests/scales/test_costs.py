"""What the scales' pages cost as the family's history grows (DESIGN.md section 8): the same number of statements,
at most 10, with a fresh family, one year and two years of history, and no more rows at two years than at one (the
pages read the meetings near now and a page of the answers, never the whole history). Paging through the results
history and the review queue: the right answers on each page, a page past the end, and odd page numbers."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.scales import answer_pages, queries
from familyapp.scales.models import ScaleResponse
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


def shown(response) -> list[str]:
    """The answers a page lists, in order."""
    return re.findall(r'data-response="([^"]+)"', response.get_data(as_text=True))


def sent_ids(world, user=None, purpose=None) -> list[str]:
    """The family's sent answers, newest first: the user's, or everyone's; of one purpose, or all."""
    stmt = select(ScaleResponse).where(
        ScaleResponse.family_id == world.family_a.id, ScaleResponse.submitted_at.is_not(None)
    )
    if user is not None:
        stmt = stmt.where(ScaleResponse.user_id == user.id)
    if purpose is not None:
        stmt = stmt.where(ScaleResponse.purpose == purpose)
    return [str(r.id) for r in db.session.scalars(stmt.order_by(ScaleResponse.submitted_at.desc()))]


class TestPaging:
    @pytest.fixture()
    def grown(self, app, world):
        """A year of history: about 26 answers before the meetings and 25 after, none talked through."""
        with app.app_context():
            history.grow(world, 12)
        return world

    def test_the_scales_page_shows_the_latest_answers_and_pages_further_back(self, client, grown, login):
        login(grown.parent_a)
        mine = sent_ids(grown, grown.parent_a, "wellbeing")  # the answers about working together are hidden
        size = answer_pages.HISTORY_PAGE
        pages = -(-len(mine) // size)
        first = client.get(s_url(grown))
        assert shown(first) == mine[:size]
        assert "Show older answers" in first.get_data(as_text=True) and "page=2" in first.get_data(as_text=True)
        assert "Show newer answers" not in first.get_data(as_text=True)
        second = client.get(s_url(grown, "?page=2"))
        assert shown(second) == mine[size : 2 * size]
        assert "Show newer answers" in second.get_data(as_text=True)
        last = client.get(s_url(grown, f"?page={pages}"))
        assert shown(last) == mine[(pages - 1) * size :]
        assert "Show older answers" not in last.get_data(as_text=True)
        # Past the end, the last page; odd numbers are the first page; never an error.
        for odd in (pages + 1, 10**30, "99999999999999999999999999"):
            response = client.get(s_url(grown, f"?page={odd}"))
            assert response.status_code == 200 and shown(response) == shown(last)
        for odd in ("abc", "-3", "0", "", "1.5", "%00", "٢x"):
            response = client.get(s_url(grown, f"?page={odd}"))
            assert response.status_code == 200 and shown(response) == mine[:size], odd

    def test_the_consultant_pages_every_persons_answers_per_scale(self, client, grown, login):
        login(grown.consultant_a)
        size = answer_pages.HISTORY_PAGE
        wellbeing, alliance = (sent_ids(grown, grown.parent_a, p) for p in ("wellbeing", "alliance"))
        assert set(shown(client.get(s_url(grown)))) == set(wellbeing[:size]) | set(alliance[:size])
        second = client.get(s_url(grown, "?page=2"))
        assert set(shown(second)) == set(wellbeing[size : 2 * size]) | set(alliance[size : 2 * size])
        # The change from the first answer to the latest is told on every page.
        assert "From the first answer to the latest" in second.get_data(as_text=True)

    def test_the_chart_is_drawn_over_the_page(self, client, grown, login):
        login(grown.parent_a)
        page = client.get(s_url(grown)).get_data(as_text=True)
        counts = re.findall(r'class="trend-line"[^>]*data-count="(\d+)"', page)
        assert counts and all(int(c) <= answer_pages.HISTORY_PAGE for c in counts)

    def test_the_review_queue_pages_with_a_count_of_the_rest(self, client, grown, login):
        login(grown.consultant_a)
        waiting = sent_ids(grown)  # every answer is the parents' (the consultant's own ratings are not reviewed)
        size = answer_pages.REVIEW_PAGE
        pages = -(-len(waiting) // size)
        first = client.get("/review")
        assert shown(first) == waiting[:size]
        assert f"{len(waiting) - size} more answers are waiting." in first.get_data(as_text=True)
        second = client.get("/review?page=2")
        assert shown(second) == waiting[size : 2 * size]
        last = client.get(f"/review?page={pages}")
        assert shown(last) == waiting[(pages - 1) * size :] and "more answers are waiting" not in last.get_data(
            as_text=True
        )
        for odd in (pages + 5, "99999999999999999999999999"):
            assert shown(client.get(f"/review?page={odd}")) == shown(last)
        for odd in ("abc", "-1", "0", ""):
            response = client.get(f"/review?page={odd}")
            assert response.status_code == 200 and shown(response) == waiting[:size]

    def test_only_the_families_on_the_page_are_audited_as_read(self, app, client, grown, login):
        from tests.scales.test_review_views import reviewed, second_family

        with app.app_context():
            other = second_family("Familien C", grown.consultant_a, meeting_in_days=None)
        login(grown.consultant_a)
        client.get("/review")  # family A comes first (by its next meeting, or by name): its answers fill the page
        assert reviewed() == [grown.family_a.id]
        pages = -(-(len(sent_ids(grown)) + 1) // answer_pages.REVIEW_PAGE)
        client.get(f"/review?page={pages}")
        assert reviewed()[-1] == other.id
