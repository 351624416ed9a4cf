"""The consultant's caseload (familyapp/overview/caseload.py, caseload_views.py): a page of 25 families whatever
the caseload's size, the same statements for 5 families as for 500, search (odd input included), filters by
state, paging, ordered by what needs attention, and each family's follow-up as ``follow_up`` says it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from familyapp import db
from familyapp.families import services
from familyapp.families.models import AssignmentRole, CaseType
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import MeetingType
from familyapp.overview import caseload as caseload_queries
from tests import factories, history

#: Family names on a page, in order.
NAMES = re.compile(r'<h2 class="h3"><a href="/families/[0-9a-f-]+/">([^<]*)</a>')


def names(page: str) -> list[str]:
    from html import unescape

    return [unescape(n) for n in NAMES.findall(page)]


def families_for(consultant, count: int, start: int = 0, *, started: date | None = None, prefix="Familien") -> list:
    """``count`` families on the consultant's caseload, made through the services (no meetings: their follow-up
    counts from their start)."""
    made = []
    for i in range(start, start + count):
        family = services.create_family(
            f"{prefix} {i:04d}", CaseType.INVESTIGATION, started or db.local_today(), actor=None
        )
        services.assign_consultant(family, consultant, AssignmentRole.PRIMARY, actor=None)
        made.append(family)
    return made


@pytest.fixture()
def big(app, world):
    """A consultant of their own (so the world's families stay out), signed in later by each test."""
    with app.app_context():
        consultant = factories.make_consultant("Stor Sag", phone=None)
        db.session.commit()
        return consultant


def test_500_families_cost_the_same_statements_as_5(app, client, big):
    """The page's statements do not grow with the caseload (at most 10), nor its HTML beyond one page."""
    engine = app.extensions["db_engine"]
    factories.sign_in(client, big)
    costs, sizes = [], []
    for count in (5, 495):
        with app.app_context():
            families_for(db.session.merge(big), count, start=len(costs) * 5)
            db.session.commit()
        client.get("/caseload")
        with history.cost(engine) as seen:
            page = client.get("/caseload").get_data(as_text=True)
        costs.append(seen)
        sizes.append(len(names(page)))
    assert len(costs[0]) == len(costs[1]) <= 10
    assert costs[1].rows - costs[0].rows == caseload_queries.PAGE_SIZE - 5  # rows: only the page's families
    assert sizes == [5, caseload_queries.PAGE_SIZE]


class TestSearch:
    @pytest.fixture()
    def named(self, app, big):
        """Families whose names hold the characters a LIKE pattern treats specially, quotes and right-to-left
        text; one with a parent called Jonas Æbelø."""
        with app.app_context():
            consultant = db.session.merge(big)
            for name in (
                "Familien 100% Hansen",
                "Familien 1000 Hansen",
                "Familien Under_score",
                "Familien Underscore",
                'Familien O\'Brien "Q"',
                "عائلة أحمد",
                "Familien Ødegaard",
                "Familien Berg",
                "Familien Aa/Sø",
            ):
                family = services.create_family(name, CaseType.SUPPORT, db.local_today(), actor=None)
                services.assign_consultant(family, consultant, AssignmentRole.PRIMARY, actor=None)
                if name == "Familien Berg":
                    services.add_adult(family, "Jonas Æbelø", "far", actor=None)
            db.session.commit()

    @pytest.mark.parametrize(
        ("search", "found"),
        [
            ("hansen", ["Familien 100% Hansen", "Familien 1000 Hansen"]),
            ("100%", ["Familien 100% Hansen"]),  # % means itself, not "anything"
            ("%", ["Familien 100% Hansen"]),
            ("under_", ["Familien Under_score"]),  # _ means itself, not "one character"
            ("_", ["Familien Under_score"]),
            ("O'Brien", ['Familien O\'Brien "Q"']),
            ('"Q"', ['Familien O\'Brien "Q"']),
            ("أحمد", ["عائلة أحمد"]),
            ("ødegaard", ["Familien Ødegaard"]),
            ("jonas", ["Familien Berg"]),  # an adult's name
            ("  jonas   æbelø ", ["Familien Berg"]),
            ("x" * 1000, []),
            ("Hansen\x00", ["Familien 100% Hansen", "Familien 1000 Hansen"]),  # PostgreSQL refuses a NUL
            ("\\", []),
            ("a/sø", ["Familien Aa/Sø"]),  # the pattern's own escape character means itself too
            ("//", []),
            ("'; DROP TABLE families; --", []),
        ],
    )
    def test_finds_the_right_families_or_none(self, client, big, named, search, found):
        factories.sign_in(client, big)
        response = client.get("/caseload", query_string={"q": search, "sort": "name"})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert names(page) == found
        if not found:
            assert "No families match." in page and "Show all families" in page

    def test_the_search_is_kept_in_the_form_and_the_links(self, client, big, named):
        factories.sign_in(client, big)
        page = client.get("/caseload", query_string={"q": "100%"}).get_data(as_text=True)
        assert 'value="100%"' in page and "q=100%25&amp;show=overdue" in page and "1 family" in page


class TestFilters:
    @pytest.fixture()
    def states(self, app, world, big):
        """Five families: one overdue, one with a question not yet seen, one with an answer with an alert, one
        with an answer without an alert, and one with nothing to do."""
        with app.app_context():
            consultant, now = db.session.merge(big), db.utcnow()
            (overdue,) = families_for(consultant, 1, prefix="Overdue", started=date(2025, 1, 6))
            unread, alert, answered, calm = families_for(consultant, 4, prefix="Calm")
            for family, name in ((unread, "Unread"), (alert, "Alert"), (answered, "Answered"), (calm, "Calm")):
                family.name = name
            parent = services.add_adult(unread, "Sara U", "mor", actor=None)
            meeting = factories.make_meeting(unread, parent, consultant)
            meeting_services.add_question(unread, meeting, parent, "Hvornår?", now=now)
            for family, alerts in ((alert, ["below_cutoff"]), (answered, [])):
                parent = services.add_adult(family, f"Forælder {family.name}", "mor", actor=None)
                held = factories.make_meeting(family, parent, consultant, starts_at=now - timedelta(days=2))
                factories.make_answer(family, parent, held, (5, 6, 5, 6)).alerts = alerts
            db.session.commit()

    @pytest.mark.parametrize(
        ("show", "found"),
        [
            ("overdue", ["Overdue 0000"]),
            ("unread", ["Unread"]),
            ("alert", ["Alert"]),
            (None, ["Alert", "Answered", "Calm", "Overdue 0000", "Unread"]),
            ("nonsense", ["Alert", "Answered", "Calm", "Overdue 0000", "Unread"]),
        ],
    )
    def test_each_state_picks_out_its_families(self, client, big, states, show, found):
        factories.sign_in(client, big)
        page = client.get("/caseload", query_string={"show": show, "sort": "name"}).get_data(as_text=True)
        assert names(page) == found

    def test_the_filters_say_how_many_families_are_in_each_state(self, client, big, states):
        factories.sign_in(client, big)
        page = client.get("/caseload").get_data(as_text=True)
        for label, count in (("All", 5), ("Follow-up overdue", 1), ("Not seen yet", 1), ("Answers with an alert", 1)):
            assert f"{label} ({count})" in page
        assert "2 answers to talk through" in page

    @pytest.mark.parametrize("ask", [{"q": "nobody by this name"}, {"q": "Calm", "show": "alert"}])
    def test_the_counts_stay_when_nothing_matches(self, client, big, states, ask):
        """The counts are the whole caseload's, also when the search or the filter leaves no family to show."""
        factories.sign_in(client, big)
        page = client.get("/caseload", query_string=ask).get_data(as_text=True)
        assert names(page) == [] and "No families match." in page and "0 families" in page
        for label, count in (("All", 5), ("Follow-up overdue", 1), ("Not seen yet", 1), ("Answers with an alert", 1)):
            assert f"{label} ({count})" in page
        assert "2 answers to talk through" in page

    def test_past_the_end_of_a_filter_is_its_last_page(self, client, big, states):
        factories.sign_in(client, big)
        page = client.get("/caseload", query_string={"show": "unread", "page": 7}).get_data(as_text=True)
        assert names(page) == ["Unread"] and "1 family" in page and "Answers with an alert (1)" in page

    def test_by_default_what_needs_attention_comes_first(self, client, big, states):
        """Overdue, then an answer with an alert, then something not yet seen or reviewed, then by due date."""
        factories.sign_in(client, big)
        assert names(client.get("/caseload").get_data(as_text=True)) == [
            "Overdue 0000",
            "Alert",
            "Answered",
            "Unread",
            "Calm",
        ]

    def test_every_order_is_offered_and_odd_ones_are_calm(self, client, big, states):
        factories.sign_in(client, big)
        for sort in ("attention", "due", "next", "waiting", "name", "nonsense", ""):
            response = client.get("/caseload", query_string={"sort": sort})
            assert response.status_code == 200 and len(names(response.get_data(as_text=True))) == 5
        assert names(client.get("/caseload?sort=waiting").get_data(as_text=True))[0] == "Unread"


class TestPaging:
    @pytest.fixture()
    def thirty(self, app, big):
        with app.app_context():
            families_for(db.session.merge(big), 30)
            db.session.commit()

    def test_pages_of_25_with_links_both_ways(self, client, big, thirty):
        factories.sign_in(client, big)
        first = client.get("/caseload?sort=name").get_data(as_text=True)
        assert names(first) == [f"Familien {i:04d}" for i in range(25)]
        assert "30 families" in first and "page 1 of 2" in first and "sort=name&amp;page=2" in first
        second = client.get("/caseload?sort=name&page=2").get_data(as_text=True)
        assert names(second) == [f"Familien {i:04d}" for i in range(25, 30)]
        assert "page 2 of 2" in second and 'rel="prev"' in second and 'rel="next"' not in second

    @pytest.mark.parametrize(
        ("number", "shown"), [("abc", 1), ("-3", 1), ("0", 1), ("2.5", 1), ("99999", 2), ("9" * 40, 2), ("٢", 1)]
    )
    def test_odd_page_numbers_are_calm_and_past_the_end_is_the_last_page(self, client, big, thirty, number, shown):
        factories.sign_in(client, big)
        response = client.get("/caseload", query_string={"page": number})
        assert response.status_code == 200
        assert f"page {shown} of 2" in response.get_data(as_text=True)

    def test_a_filter_starts_again_on_page_1(self, client, big, thirty):
        factories.sign_in(client, big)
        page = client.get("/caseload?page=2").get_data(as_text=True)
        assert 'href="/caseload?show=overdue"' in page and 'href="/caseload?sort=name"' in page


def test_the_state_in_sql_agrees_with_follow_up(app, world):
    """Held, cancelled and professionals-only meetings, one planned: each family's due date and overdue flag on
    the caseload are what ``follow_up`` says from the family's meetings, for every rule."""
    from familyapp.families.models import Cadence, Family, Phase
    from familyapp.meetings import queries as meeting_queries
    from familyapp.meetings.cadence import follow_up

    with app.test_request_context():
        consultant, parent = db.session.merge(world.consultant_a), db.session.merge(world.parent_a)
        now = db.utcnow().replace(microsecond=0)
        cases = [
            (Cadence.CASE_TYPE, Phase.START),
            (Cadence.THREE_MONTHS, Phase.START),
            (Cadence.PHASE, Phase.MAPPING),
            (Cadence.SIX_WEEKS, Phase.CLOSING),
            (Cadence.PHASE, Phase.CLOSING),
        ]
        for i, (cadence, phase) in enumerate(cases):
            family = services.create_family(f"Regel {i}", CaseType.SUPPORT, date(2026, 1, 31), actor=None)
            services.assign_consultant(family, consultant, AssignmentRole.PRIMARY, actor=None)
            services.change_cadence(family, cadence, actor=None)
            services.change_phase(family, phase, actor=None)
            for days, kind, cancel in (
                (-60 - i, MeetingType.FOLLOW_UP, False),
                (-20, MeetingType.WORK, False),
                (-10, MeetingType.HOME_VISIT, True),
                (30 * i - 40, MeetingType.PHONE, False),
            ):
                meeting = factories.make_meeting(
                    family, parent, consultant, starts_at=now + timedelta(days=days), type=kind
                )
                if cancel:
                    meeting_services.cancel_meeting(family, meeting, "syg", actor=consultant)
        db.session.commit()
        page = caseload_queries.caseload_page(consultant, caseload_queries.Ask(search="Regel"), now, db.local_date(now))
        assert len(page.rows) == len(cases)
        for row in page.rows:
            family = db.session.get(Family, row.id)
            last = meeting_queries.last_contacts([family.id], now).get(family.id)
            nxt = meeting_queries.next_meetings([family.id], now).get(family.id)
            expected = follow_up(family, *(db.local_date(t) if t else None for t in (last, nxt)), db.local_date(now))
            assert (row.due, row.overdue) == (expected.due, expected.overdue), family.name


def test_a_meetings_day_follows_its_time_in_danish_time(app, world):
    """The stored day the SQL counts from is the Danish one, also when the meeting is moved across midnight."""
    from datetime import UTC, datetime

    with app.app_context():
        family, parent, consultant = (db.session.merge(x) for x in (world.family_a, world.parent_a, world.consultant_a))
        meeting = factories.make_meeting(
            family, parent, consultant, starts_at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
        )
        assert meeting.day == date(2027, 1, 1)
        meeting.starts_at = datetime(2026, 6, 30, 21, 30, tzinfo=UTC)  # 23:30 in summer time
        assert meeting.day == date(2026, 6, 30)
        db.session.rollback()


def test_the_installations_rules_are_the_ones_the_caseload_counts_with(app, world, monkeypatch):
    """The caseload's statement is built once a process, with the installation's follow-up rule per case type in
    it: an app with other rules (here, in the same process) counts with its own, never with the first one's."""
    from familyapp.families.models import Family
    from familyapp.meetings.cadence import follow_up

    with app.test_request_context():
        consultant = db.session.merge(world.consultant_a)
        family = services.create_family("Regel ny", CaseType.SUPPORT, date(2026, 1, 31), actor=None)
        services.assign_consultant(family, consultant, AssignmentRole.PRIMARY, actor=None)
        db.session.commit()
        now = db.utcnow()
        dues = []
        for rules in ({}, {"support": "six_weeks"}, {}):
            monkeypatch.setitem(app.config, "CADENCE_DEFAULTS", rules)
            ask = caseload_queries.Ask(search="Regel ny")
            (row,) = caseload_queries.caseload_page(consultant, ask, now, db.local_date(now)).rows
            expected = follow_up(db.session.get(Family, row.id), None, None, db.local_date(now)).due
            assert row.due == expected
            dues.append(row.due)
        assert dues == [date(2026, 4, 30), date(2026, 3, 14), date(2026, 4, 30)]
