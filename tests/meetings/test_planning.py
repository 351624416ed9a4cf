"""Planning a meeting (familyapp/meetings/planning.py): Danish local time to UTC across the clock changes, times
the clocks skip, and the map's people as choices."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from familyapp.meetings import planning
from familyapp.meetings.forms import MeetingForm

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
#: 2026: summer time from Sunday 29 March 02:00 (to 03:00) until Sunday 25 October 03:00 (back to 02:00).
SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)


@pytest.mark.parametrize(
    "day, offset",
    [(date(2026, 1, 15), 1), (date(2026, 7, 15), 2), (SPRING - timedelta(days=1), 1), (SPRING, 2), (AUTUMN, 1)],
)
def test_a_local_time_becomes_utc_with_the_days_offset(day, offset):
    at = planning.local(day, time(10, 0))
    assert at.tzinfo is UTC
    assert at == datetime.combine(day, time(10, 0), tzinfo=UTC) - timedelta(hours=offset)


def test_local_and_back_is_the_same_wall_clock():
    for day in (date(2026, 2, 1), SPRING, date(2026, 6, 30), AUTUMN, date(2026, 12, 31)):
        for hour in (0, 8, 13, 23):
            back = planning.local(day, time(hour, 15)).astimezone(COPENHAGEN)
            assert (back.date(), back.hour, back.minute) == (day, hour, 15)


@pytest.mark.parametrize("clock", [time(2, 0), time(2, 30), time(2, 59)])
def test_the_hour_skipped_in_spring_does_not_exist(clock):
    assert not planning.exists_locally(SPRING, clock)
    assert planning.exists_locally(SPRING - timedelta(days=7), clock)  # a week earlier it did


@pytest.mark.parametrize("clock", [time(1, 59), time(3, 0), time(10, 0)])
def test_the_hours_around_the_skip_exist(clock):
    assert planning.exists_locally(SPRING, clock)


def test_the_hour_that_comes_twice_in_autumn_exists():
    assert planning.exists_locally(AUTUMN, time(2, 30))


def test_map_people_become_choices_by_id_and_label():
    people = [SimpleNamespace(id="p1", label="Bente (mormor)"), SimpleNamespace(id=7, label="Lise Holm, lærer")]
    choices = planning.map_choices(people)
    assert [(c.value, c.label) for c in choices] == [("p1", "Bente (mormor)"), ("7", "Lise Holm, lærer")]


class TestCheckClock:
    def _form(self, app, start, end, day=SPRING):
        with app.test_request_context(
            method="POST", data={"day": day.isoformat(), "start": start, "end": end}, headers={"Accept-Language": "en"}
        ):
            form = MeetingForm()
            form.validate()
            ok = planning.check_clock(form)
            return ok, form

    def test_times_that_exist_pass(self, app):
        ok, form = self._form(app, "10:00", "11:00")
        assert ok and not form.start.errors and not form.end.errors

    def test_a_skipped_start_or_end_gets_its_own_error(self, app):
        ok, form = self._form(app, "02:15", "03:15")
        assert not ok and form.start.errors and not form.end.errors
        ok, form = self._form(app, "01:30", "02:30")
        assert not ok and form.end.errors and not form.start.errors

    def test_the_same_times_pass_on_another_day(self, app):
        ok, _form = self._form(app, "02:15", "02:45", day=SPRING + timedelta(days=1))
        assert ok
