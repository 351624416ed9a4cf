"""Windows: 48 hours before a meeting, a week after it, and every few months; on the Danish wall clock, also
across the changes to and from summer time."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from familyapp.scales import schedule

MEETING = uuid.UUID("11111111-2222-3333-4444-555555555555")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_before_a_meeting_opens_two_days_earlier_and_closes_at_the_start():
    starts = utc(2026, 12, 3, 13, 0)  # Thursday 14:00 in Denmark
    window = schedule.before_meeting("wellbeing", MEETING, starts, 48)
    assert window.key == f"wellbeing.m.{MEETING}" and window.meeting_id == MEETING
    assert window.opens_at == utc(2026, 12, 1, 13, 0) and window.closes_at == starts
    assert not window.is_open(utc(2026, 12, 1, 12, 59)) and window.is_open(utc(2026, 12, 1, 13, 0))
    assert window.is_open(utc(2026, 12, 3, 12, 59)) and not window.is_open(starts) and window.is_late(starts)


def test_before_a_meeting_across_the_start_of_summer_time():
    # Monday 30 March 2026 10:00 summer time (08:00 UTC); the clocks went forward on Sunday 29 March.
    window = schedule.before_meeting("wellbeing", MEETING, utc(2026, 3, 30, 8, 0), 48)
    # Saturday 28 March 10:00 winter time = 09:00 UTC: the same clock time, 47 real hours before.
    assert window.opens_at == utc(2026, 3, 28, 9, 0)
    assert window.closes_at - window.opens_at == timedelta(hours=47)


def test_before_a_meeting_across_the_end_of_summer_time():
    # Monday 26 October 2026 10:00 winter time (09:00 UTC); the clocks went back on Sunday 25 October.
    window = schedule.before_meeting("wellbeing", MEETING, utc(2026, 10, 26, 9, 0), 48)
    assert window.opens_at == utc(2026, 10, 24, 8, 0)  # Saturday 10:00 summer time
    assert window.closes_at - window.opens_at == timedelta(hours=49)


def test_after_a_meeting_for_a_week_across_a_clock_change():
    ends = utc(2026, 3, 27, 10, 0)  # Friday 11:00 winter time
    window = schedule.after_meeting("alliance", MEETING, ends, 7)
    assert window.opens_at == ends and window.closes_at == utc(2026, 4, 3, 9, 0)  # Friday 11:00 summer time
    assert window.key == f"alliance.m.{MEETING}"


def test_every_three_months_from_the_start():
    start = date(2026, 1, 31)
    first = schedule.every_months("progression", start, 3, 21, date(2026, 2, 10))
    assert first.key == "progression.c.0"
    assert first.opens_at == utc(2026, 1, 30, 23, 0) and first.closes_at == utc(2026, 2, 20, 23, 0)
    second = schedule.every_months("progression", start, 3, 21, date(2026, 4, 30))
    assert second.key == "progression.c.1" and second.opens_at == utc(2026, 4, 29, 22, 0)  # 30 April, summer time
    assert schedule.every_months("progression", start, 3, 21, date(2026, 4, 29)).key == "progression.c.0"
    assert schedule.every_months("progression", start, 3, 21, date(2026, 1, 30)) is None


def test_a_window_per_child():
    child = uuid.uuid4()
    window = schedule.every_months("functioning", date(2026, 1, 5), 6, 30, date(2026, 8, 1), about=child)
    assert window.key == f"functioning.c.1.{child}" and window.about_person_id == child
