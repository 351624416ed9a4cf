"""The årshjul's services (familyapp/yearwheel/services.py): the year suggested by the cadence and the phase,
what is still missing, accepting it once, and moves and links that only write when something changes."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.families.models import Cadence, CaseType, Family, Phase
from familyapp.meetings.models import Meeting
from familyapp.yearwheel import services
from familyapp.yearwheel.models import YearActivity

TODAY = date(2026, 1, 15)


@pytest.fixture()
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def family(cadence=Cadence.THREE_MONTHS, phase=Phase.DEVELOPMENT, start=date(2025, 12, 1)) -> Family:
    return Family(name="F", case_type=CaseType.SUPPORT, phase=phase, cadence=cadence, start_date=start)


def months(suggestions, kind) -> list[tuple[int, int]]:
    return [(s.year, s.month) for s in suggestions if s.kind == kind]


def test_follow_ups_every_three_months_within_the_year(english):
    found = services.suggest_plan(family(Cadence.THREE_MONTHS), TODAY)
    assert months(found, "follow_up") == [(2026, 4), (2026, 7), (2026, 10)]
    assert {s.title for s in found if s.kind == "follow_up"} == {"Follow-up"}


def test_a_weekly_rhythm_gives_one_follow_up_a_month(english):
    found = services.suggest_plan(family(Cadence.PHASE, Phase.START), TODAY)
    assert months(found, "follow_up") == [(2026, m) for m in range(1, 13)]


def test_a_network_meeting_every_half_year_from_the_start_month(english):
    found = services.suggest_plan(family(start=date(2025, 11, 20)), TODAY)
    assert months(found, "network") == [(2026, 5), (2026, 11)]
    found = services.suggest_plan(family(start=date(2026, 1, 2)), TODAY)
    assert months(found, "network") == [(2026, 1), (2026, 7)]


def test_the_readiness_plan_next_month_only_in_maintenance(english):
    assert months(services.suggest_plan(family(phase=Phase.MAINTENANCE), TODAY), "readiness") == [(2026, 2)]
    for phase in set(Phase) - {Phase.MAINTENANCE}:
        assert months(services.suggest_plan(family(phase=phase), TODAY), "readiness") == []


def test_suggestions_are_in_month_order_and_inside_the_window(english):
    found = services.suggest_plan(family(Cadence.PHASE, Phase.MAINTENANCE, date(2025, 7, 1)), TODAY)
    keys = [(s.year, s.month, s.kind) for s in found]
    assert keys == sorted(keys)
    assert all(date(2026, 1, 1) <= s.first_day <= date(2026, 12, 1) for s in found)


def test_the_suggestions_are_in_the_users_language(app):
    with app.test_request_context(headers={"Accept-Language": "da"}):
        danish = services.suggest_plan(family(), TODAY)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = services.suggest_plan(family(), TODAY)
    assert [s.title for s in danish] != [s.title for s in english]
    assert [(s.year, s.month, s.kind) for s in danish] == [(s.year, s.month, s.kind) for s in english]


def test_what_is_missing_ignores_case_and_spaces_but_not_the_month():
    wanted = [
        services.Suggestion(2026, 4, "Follow-up", "", "follow_up"),
        services.Suggestion(2026, 7, "Follow-up", "", "follow_up"),
        services.Suggestion(2026, 7, "Network meeting", "", "network"),
    ]
    there = [
        SimpleNamespace(year=2026, month=4, title="  follow-UP "),
        SimpleNamespace(year=2026, month=8, title="Network meeting"),
    ]
    assert services.missing_suggestions(wanted, there) == wanted[1:]


def _activities(family_) -> int:
    return db.session.scalar(select(func.count()).where(YearActivity.family_id == family_.id))


def _events(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def test_accepting_twice_adds_nothing_the_second_time(app, world):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        fam, consultant = db.session.merge(world.family_a), db.session.merge(world.consultant_a)
        before = _activities(fam)
        added = services.accept_suggestions(fam, TODAY, actor=consultant)
        assert added and _activities(fam) == before + len(added)
        assert _events("yearwheel.accepted") == len(added)
        assert services.accept_suggestions(fam, TODAY, actor=consultant) == []
        assert _activities(fam) == before + len(added)


def test_moving_to_the_same_month_writes_nothing(ctx, world):
    fam, consultant = db.session.merge(world.family_a), db.session.merge(world.consultant_a)
    activity = services.add_activity(fam, {"year": 2026, "month": 3, "title": "Besøg"}, actor=consultant)
    services.move_activity(fam, activity, 2026, 3, actor=consultant)
    assert _events("yearwheel.moved") == 0
    services.move_activity(fam, activity, 2027, 1, actor=consultant)
    assert (activity.year, activity.month) == (2027, 1) and _events("yearwheel.moved") == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "yearwheel.moved"))
    assert event.data == {"from": "2026-03", "to": "2027-01"}


def test_a_link_to_another_familys_meeting_is_refused(ctx, world):
    fam, consultant = db.session.merge(world.family_a), db.session.merge(world.consultant_a)
    other = db.session.scalar(select(Meeting).where(Meeting.family_id == world.family_b.id))
    own = db.session.scalar(select(Meeting).where(Meeting.family_id == fam.id))
    activity = services.add_activity(fam, {"year": 2026, "month": 3, "title": "Besøg"}, actor=consultant)
    with pytest.raises(ValueError):
        services.link_meeting(fam, activity, other, actor=consultant)
    assert activity.meeting_id is None
    services.link_meeting(fam, activity, own, actor=consultant)
    services.link_meeting(fam, activity, own, actor=consultant)  # already linked: nothing more
    assert activity.meeting_id == own.id and _events("yearwheel.linked") == 1
    services.link_meeting(fam, activity, None, actor=consultant)
    assert activity.meeting_id is None and _events("yearwheel.unlinked") == 1
