"""The trend graph: one line per person who answered, over time, with the cutoff line. Pure geometry for the
server-side SVG; the table under each graph says the same in text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 340, 220
LEFT, RIGHT, TOP, BOTTOM = 34, 14, 14, 30
#: Each person's line has its own marker and dash, so the lines differ by more than colour.
STYLES = (
    ("circle", "", "#1f4e5f"),
    ("square", "6 4", "#8a5a00"),
    ("triangle", "2 3", "#6a3d7a"),
    ("diamond", "10 3 2 3", "#2e6b3a"),
)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    at: datetime


@dataclass(frozen=True)
class Line:
    name: str
    marker: str
    dash: str
    colour: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'} {p.x} {p.y}" for i, p in enumerate(self.points))


@dataclass(frozen=True)
class Chart:
    lines: list[Line]
    #: (value, y) for the horizontal guide lines.
    ticks: list[tuple[float, float]]
    #: The cutoff's height, or None without a cutoff.
    cutoff_y: float | None
    first: datetime | None
    last: datetime | None
    viewbox: str = f"0 0 {WIDTH} {HEIGHT}"
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


def chart(series: list[tuple[str, list[tuple[datetime, float]]]], low: float, high: float, cutoff=None) -> Chart:
    """Lay out a trend graph.

    :param series: (name, [(when, value), ...]) per person, values between ``low`` and ``high``.
    :param low: the bottom of the scale.
    :param high: the top of the scale.
    :param cutoff: the value the guide line marks, if any.
    :return: the Chart.
    """
    moments = [at for _name, points in series for at, _v in points]
    first, last = (min(moments), max(moments)) if moments else (None, None)
    span = (last - first).total_seconds() if moments else 0
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at: datetime) -> float:
        return round(LEFT + (inner_w / 2 if span == 0 else inner_w * (at - first).total_seconds() / span), 1)

    def y(value: float) -> float:
        return round(TOP + inner_h * (1 - (value - low) / (high - low)), 1)

    lines = []
    for index, (name, points) in enumerate(series):
        marker, dash, colour = STYLES[index % len(STYLES)]
        ordered = sorted(points)
        lines.append(Line(name, marker, dash, colour, [Point(x(at), y(v), v, at) for at, v in ordered]))
    step = _tick_step(high - low)
    # Guide lines at whole multiples of the step (2, 4 ... 10 on a 1-10 scale), and at the bottom.
    value = -(-low // step) * step
    ticks = [(low, y(low))] if value > low else []
    while value <= high + 1e-9:
        ticks.append((round(value, 2), y(value)))
        value += step
    return Chart(lines, ticks, y(cutoff) if cutoff is not None else None, first, last)


def _tick_step(span: float) -> float:
    """Guide lines at friendly values: every 10 on 0-40, every 1 on 1-5, every 2 on 1-10."""
    for step in (1, 2, 5, 10, 20):
        if span / step <= 5:
            return step
    return span / 4
