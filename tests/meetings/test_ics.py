"""iCalendar output (familyapp/meetings/ics.py): escaping, folding long lines, UTC times, and details only when
chosen."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from familyapp.meetings import ics

STAMP = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
#: What every calendar document starts with (RFC 5545 3.6, 3.7).
HEAD = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Familieoverblik//DA", "CALSCALE:GREGORIAN"]


def meeting(**extra):
    data = {
        "id": uuid.UUID(int=7),
        "starts_at": datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        "ends_at": datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        "version": 3,
        "cancelled": False,
    }
    return SimpleNamespace(**(data | extra))


def unfold(document: str) -> list[str]:
    """The logical lines of a calendar, as a calendar program reads them."""
    assert document.endswith("\r\n")
    return document[:-2].replace("\r\n ", "").split("\r\n")


def test_an_event_has_its_uid_times_in_utc_and_version():
    """The times come from the database in UTC (the night the clocks change, here) and are written as such."""
    lines = ics.event(meeting(), title="Opfølgning", stamp=STAMP)
    assert lines[0] == "BEGIN:VEVENT" and lines[-1] == "END:VEVENT"
    assert f"UID:{uuid.UUID(int=7)}@familieoverblik" in lines
    assert "DTSTAMP:20260301T080000Z" in lines
    assert "DTSTART:20260329T003000Z" in lines and "DTEND:20260329T013000Z" in lines
    assert "SEQUENCE:3" in lines and "STATUS:CONFIRMED" in lines
    assert not any(line.startswith(("LOCATION", "DESCRIPTION", "URL")) for line in lines)


def test_a_cancelled_meeting_says_so():
    assert "STATUS:CANCELLED" in ics.event(meeting(cancelled=True), title="x", stamp=STAMP)


def test_details_only_where_given():
    details = {"place": "Rådhuset", "description": "", "url": "https://example.test/m/1"}
    lines = ics.event(meeting(), title="x", stamp=STAMP, details=details)
    assert "LOCATION:Rådhuset" in lines and "URL:https://example.test/m/1" in lines
    assert not any(line.startswith("DESCRIPTION") for line in lines)


@pytest.mark.parametrize(
    "text, written",
    [
        ("a;b,c", "a\\;b\\,c"),
        ("back\\slash", "back\\\\slash"),
        ("one\ntwo", "one\\ntwo"),
        ("one\r\ntwo", "one\\ntwo"),
        ("one\rtwo", "one\\ntwo"),  # a lone CR never starts a line of its own
    ],
)
def test_text_is_escaped(text, written):
    lines = ics.event(meeting(), title=text, stamp=STAMP, details={"description": text, "place": text})
    assert f"SUMMARY:{written}" in lines
    assert f"DESCRIPTION:{written}" in lines and f"LOCATION:{written}" in lines


def test_the_url_is_not_escaped():
    url = "https://example.test/a,b;c"
    assert f"URL:{url}" in ics.event(meeting(), title="x", stamp=STAMP, details={"url": url})


def test_a_calendar_wraps_its_events_with_crlf():
    document = ics.calendar([ics.event(meeting(), title="A", stamp=STAMP)], "Familie, Nielsen")
    lines = unfold(document)
    assert lines[:5] == [*HEAD, "X-WR-CALNAME:Familie\\, Nielsen"]
    assert lines[-1] == "END:VCALENDAR" and lines.count("BEGIN:VEVENT") == 1
    assert "\n" not in document.replace("\r\n", "")


@pytest.mark.parametrize("text", ["æøå " * 60, "x" * 300, "Mødet 😀 " * 30])
def test_long_lines_are_folded_at_75_octets_and_unfold_to_the_same_text(text):
    document = ics.calendar([ics.event(meeting(), title=text, stamp=STAMP)], "Kalender")
    for physical in document[:-2].split("\r\n"):
        assert len(physical.encode()) <= 75
    assert f"SUMMARY:{text}" in unfold(document)


def test_an_empty_calendar_is_still_a_calendar():
    assert unfold(ics.calendar([], "Tom")) == [*HEAD, "X-WR-CALNAME:Tom", "END:VCALENDAR"]
