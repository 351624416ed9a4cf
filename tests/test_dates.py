"""Calendar arithmetic shared by every feature: month ends, leap years, working days."""

from __future__ import annotations

from datetime import date

import pytest

from familyapp.dates import add_months, add_working_days


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # across the new year
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 3, 15), 12, date(2027, 3, 15)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "days", "expected"),
    [
        (date(2026, 12, 7), 5, date(2026, 12, 14)),  # Monday + 5 working days is the next Monday
        (date(2026, 12, 11), 1, date(2026, 12, 14)),  # Friday + 1 skips the weekend
        (date(2026, 12, 12), 1, date(2026, 12, 14)),  # from a Saturday
        (date(2026, 12, 7), 0, date(2026, 12, 7)),
    ],
)
def test_add_working_days_skips_weekends(day, days, expected):
    assert add_working_days(day, days) == expected
