"""The årshjul as a circle of 12 month segments: pure geometry for the server-side SVG (no JavaScript, no library).

Each month keeps its place on the clock face (January at the top, clockwise), as on a paper årshjul; the 12
shown months fill the circle exactly once even when they cross New Year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import cos, radians, sin

#: Drawing units; the SVG scales to its box through the viewBox. The margin leaves room for the "now" marker.
OUTER = 100
INNER = 42
LABEL_RADIUS = 83
COUNT_RADIUS = 60
MARKER_RADIUS = 114
VIEWBOX = "-130 -130 260 260"


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Segment:
    """One month of the wheel."""

    month: date
    #: Activities in the month.
    count: int
    current: bool
    #: The SVG path of the ring sector.
    path: str
    label: Point
    badge: Point
    marker: Point
    #: Meetings in the month that no activity points to (they count as planned too).
    meetings: int = 0

    @property
    def key(self) -> str:
        return _key(self.month)

    @property
    def planned(self) -> int:
        """What the badge counts: activities and meetings."""
        return self.count + self.meetings


def _key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def point(angle: float, radius: float) -> Point:
    """A point on a circle; angles in degrees clockwise from the top (SVG's y axis points down)."""
    a = radians(angle - 90)
    # Adding 0.0 turns -0.0 into 0.0, which reads better in the markup.
    return Point(round(radius * cos(a), 2) + 0.0, round(radius * sin(a), 2) + 0.0)


def sector_path(start: float, end: float, outer: float = OUTER, inner: float = INNER) -> str:
    """A ring sector from ``start`` to ``end`` degrees (less than 180 degrees wide)."""
    o1, o2, i2, i1 = point(start, outer), point(end, outer), point(end, inner), point(start, inner)
    return (
        f"M {o1.x} {o1.y} A {outer} {outer} 0 0 1 {o2.x} {o2.y} L {i2.x} {i2.y} A {inner} {inner} 0 0 0 {i1.x} {i1.y} Z"
    )


def segments(
    months: list[date], counts: dict[str, int], today: date, meetings: dict[str, int] | None = None
) -> list[Segment]:
    """The segments of the wheel, in the order of the shown months (the current one first).

    :param months: the 12 shown months (first day of each), consecutive.
    :param counts: the number of activities per month key (``"2026-03"``); missing keys count 0.
    :param today: the day that counts as now; its month is marked.
    :param meetings: the number of meetings per month key that no activity points to; missing keys count 0.
    :return: one segment per month.
    """
    meetings = meetings or {}
    if len({m.month for m in months}) != len(months) or len(months) > 12:
        raise ValueError("the wheel shows at most 12 different calendar months")
    result = []
    for month in months:
        start = (month.month - 1) * 30
        middle = start + 15
        result.append(
            Segment(
                month=month,
                count=counts.get(_key(month), 0),
                current=(month.year, month.month) == (today.year, today.month),
                path=sector_path(start, start + 30),
                label=point(middle, LABEL_RADIUS),
                badge=point(middle, COUNT_RADIUS),
                marker=point(middle, MARKER_RADIUS),
                meetings=meetings.get(_key(month), 0),
            )
        )
    return result
