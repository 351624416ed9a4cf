"""The årshjul's read-only queries (familyapp/yearwheel/queries.py): the twelve months from now (across New Year
too), the family's own activities inside them in one query, and meetings of the family only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from familyapp import db
from familyapp.yearwheel import queries, services
from tests.yearwheel.helpers import TODAY


def add(family, actor, year: int, month: int, title: str):
    return services.add_activity(family, {"year": year, "month": month, "title": title}, actor=actor)


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (date(2026, 11, 25), date(2026, 11, 1), date(2027, 10, 1)),
        (date(2026, 1, 31), date(2026, 1, 1), date(2026, 12, 1)),
        (date(2027, 12, 1), date(2027, 12, 1), date(2028, 11, 1)),
    ],
)
def test_the_window_is_twelve_first_days_from_the_current_month(today, first, last):
    months = queries.month_window(today)
    assert len(months) == 12 and months[0] == first and months[-1] == last
    assert all(m.day == 1 for m in months)
    assert len({(m.year, m.month) for m in months}) == 12


def test_a_window_of_another_length(ctx):
    assert queries.month_window(date(2026, 12, 31), 3) == [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


def test_month_key_is_zero_padded():
    assert queries.month_key(2027, 3) == "2027-03" and queries.month_key(2026, 11) == "2026-11"


def test_activities_across_new_year_in_month_order_and_none_outside_the_window(ctx, world, count_queries):
    family, consultant = world.family_a, world.consultant_a
    add(family, consultant, 2027, 2, "Februar, først")
    add(family, consultant, 2026, 11, "November")
    add(family, consultant, 2027, 2, "Februar, sidst")
    add(family, consultant, 2026, 10, "Før vinduet")
    add(family, consultant, 2027, 11, "Efter vinduet")
    add(family, consultant, 2027, 10, "Oktober")
    db.session.commit()
    months = queries.month_window(TODAY)
    with count_queries() as q:
        found = queries.list_activities(family, months)
    assert len(q) == 1
    assert [a.title for a in found] == ["November", "Februar, først", "Februar, sidst", "Oktober"]


def test_another_familys_activities_are_never_listed(ctx, world):
    add(world.family_b, world.consultant_b, 2027, 1, "B's aktivitet")
    add(world.family_a, world.consultant_a, 2027, 1, "A's aktivitet")
    db.session.commit()
    months = queries.month_window(TODAY)
    assert [a.title for a in queries.list_activities(world.family_a, months)] == ["A's aktivitet"]
    assert [a.title for a in queries.list_activities(world.family_b, months)] == ["B's aktivitet"]


def test_the_wheels_meetings_are_the_linked_ones_and_those_in_the_window_of_the_family_only(ctx, world):
    from tests.yearwheel.helpers import meeting

    start, end = datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC)
    inside, outside = meeting(world.family_a, datetime(2027, 1, 31, 22, tzinfo=UTC)), meeting(world.family_a, end)
    linked = meeting(world.family_a, datetime(2028, 6, 1, tzinfo=UTC))
    foreign = meeting(world.family_b, datetime(2027, 1, 12, tzinfo=UTC))
    found = queries.meetings_for_wheel(world.family_a, {linked.id, foreign.id}, start, end)
    assert [m.id for m in found] == [inside.id, linked.id]
    assert [m.id for m in queries.meetings_for_wheel(world.family_a, set(), start, end)] == [inside.id]
    assert outside.id not in {m.id for m in found}
