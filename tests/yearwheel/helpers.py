"""Reading the årshjul page in tests: the wheel's segments (SVG) and the text list, side by side."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from html.parser import HTMLParser

from familyapp import db
from familyapp.meetings.models import Meeting, MeetingType
from familyapp.yearwheel import services

SVG = "{http://www.w3.org/2000/svg}"
#: The day the tests take as today: the window runs from November 2026 to October 2027, across New Year.
TODAY = date(2026, 11, 25)


def wheel_svg(page: str) -> ET.Element:
    """The wheel's SVG element, parsed as XML (it must be well-formed)."""
    match = re.search(r'<svg class="yearwheel".*?</svg>', page, re.S)
    assert match, "no year wheel on the page"
    return ET.fromstring(match.group(0))


def svg_counts(page: str) -> dict[str, int]:
    """Activities per month as the wheel draws them."""
    svg = wheel_svg(page)
    return {g.get("data-month"): int(g.get("data-count")) for g in svg.iter(f"{SVG}g")}


class _ListParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.months: dict[str, list[str]] = {}
        self.current_month: str | None = None
        self.marked: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and "data-month" in a and "yearwheel-month" in a.get("class", ""):
            self.current_month = a["data-month"]
            self.months[self.current_month] = []
            if a.get("aria-current") == "date":
                self.marked = self.current_month
        elif tag == "li" and "data-activity" in a:
            self.months[self.current_month].append(a["data-activity"])


def text_list(page: str) -> tuple[dict[str, list[str]], str | None]:
    """The text alternative: activity ids per month, and the month marked as now."""
    parser = _ListParser()
    parser.feed(page)
    return parser.months, parser.marked


def add(app, family, actor, month: tuple[int, int], title: str, purpose: str = ""):
    """An activity added through the service, committed."""
    with app.app_context():
        family, actor = db.session.merge(family), db.session.merge(actor)
        activity = services.add_activity(
            family, {"year": month[0], "month": month[1], "title": title, "purpose": purpose}, actor=actor
        )
        db.session.commit()
        return activity


def meeting(family, when: datetime | None = None) -> Meeting:
    """A meeting of the family (the meetings feature has its own services; a row is enough here)."""
    when = when or datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
    m = Meeting(family_id=family.id, type=MeetingType.FOLLOW_UP, starts_at=when, ends_at=when, purpose="Snak")
    db.session.add(m)
    db.session.commit()
    return m
