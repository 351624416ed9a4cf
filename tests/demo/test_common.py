"""What the demo's parts share (familyapp/demo/common.py): days counted back from today that every month has,
and whole hours in Danish time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from familyapp import db
from familyapp.demo import common


@pytest.fixture()
def today(monkeypatch):
    """Pin "now" for the demo's dates."""

    def pin(moment: datetime) -> None:
        monkeypatch.setattr(db, "utcnow", lambda: moment)

    return pin


@pytest.mark.parametrize(
    "now, years, months, expected",
    [
        (datetime(2026, 5, 20, 12, tzinfo=UTC), 0, 2, date(2026, 3, 20)),
        (datetime(2026, 2, 10, 12, tzinfo=UTC), 0, 3, date(2025, 11, 10)),  # back across New Year
        (datetime(2026, 2, 10, 12, tzinfo=UTC), 9, 14, date(2015, 12, 10)),
        (datetime(2026, 3, 31, 12, tzinfo=UTC), 0, 1, date(2026, 2, 28)),  # never past the 28th
        (datetime(2026, 7, 29, 12, tzinfo=UTC), 4, 0, date(2022, 7, 28)),
    ],
)
def test_years_ago_counts_back_to_a_day_every_month_has(today, now, years, months, expected):
    today(now)
    assert common.years_ago(years, months) == expected


@pytest.mark.parametrize(
    "now, days, hour, expected",
    [
        (datetime(2026, 1, 10, 9, tzinfo=UTC), 5, 14, datetime(2026, 1, 15, 13, tzinfo=UTC)),  # winter: UTC+1
        (datetime(2026, 6, 10, 9, tzinfo=UTC), -21, 10, datetime(2026, 5, 20, 8, tzinfo=UTC)),  # summer: UTC+2
        (datetime(2026, 3, 27, 9, tzinfo=UTC), 3, 10, datetime(2026, 3, 30, 8, tzinfo=UTC)),  # across the change
        (datetime(2026, 1, 10, 23, 30, tzinfo=UTC), 0, 9, datetime(2026, 1, 11, 8, tzinfo=UTC)),  # Danish "today"
    ],
)
def test_at_is_a_whole_danish_hour_some_days_from_today(today, now, days, hour, expected):
    today(now)
    at = common.at(days, hour)
    assert at == expected and at.utcoffset() == timedelta(0)


def test_every_demo_user_is_named_once():
    assert len(set(common.DEMO_USERS)) == len(common.DEMO_USERS)
