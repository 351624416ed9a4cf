"""The trend graph's geometry (familyapp/scales/svg.py): where points, guide lines and the cutoff go, checked
against the drawing area rather than against copied numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from familyapp.scales import svg

T0 = datetime(2026, 1, 5, 12, tzinfo=UTC)
AREA_LEFT, AREA_RIGHT = svg.LEFT, svg.WIDTH - svg.RIGHT
AREA_TOP, AREA_BOTTOM = svg.TOP, svg.HEIGHT - svg.BOTTOM


def days(n: int) -> datetime:
    return T0 + timedelta(days=n)


def test_the_first_and_last_answers_span_the_width_and_values_the_height():
    chart = svg.chart([("Sara", [(days(0), 0.0), (days(10), 40.0)])], 0, 40)
    first, last = chart.lines[0].points
    assert (first.x, first.y) == (AREA_LEFT, AREA_BOTTOM)
    assert (last.x, last.y) == (AREA_RIGHT, AREA_TOP)
    assert (chart.first, chart.last) == (days(0), days(10))
    assert (chart.left, chart.right, chart.bottom) == (AREA_LEFT, AREA_RIGHT, AREA_BOTTOM)
    assert chart.viewbox == f"0 0 {svg.WIDTH} {svg.HEIGHT}"


def test_points_are_placed_in_proportion_to_time_and_value():
    chart = svg.chart([("Sara", [(days(0), 1), (days(3), 5.5), (days(4), 10)])], 1, 10)
    middle = chart.lines[0].points[1]
    assert middle.x == pytest.approx(AREA_LEFT + (AREA_RIGHT - AREA_LEFT) * 3 / 4, abs=0.1)
    assert middle.y == pytest.approx((AREA_TOP + AREA_BOTTOM) / 2, abs=0.1)
    assert (middle.value, middle.at) == (5.5, days(3))


def test_points_are_in_time_order_and_the_path_joins_them():
    chart = svg.chart([("Jonas", [(days(5), 7), (days(1), 3), (days(3), 5)])], 1, 10)
    line = chart.lines[0]
    assert [p.at for p in line.points] == [days(1), days(3), days(5)]
    assert [p.x for p in line.points] == sorted(p.x for p in line.points)
    commands = line.path.split(" ")
    assert commands[0] == "M" and commands.count("L") == 2
    assert line.path == " ".join(f"{c} {p.x} {p.y}" for c, p in zip("MLL", line.points, strict=True))


def test_a_single_moment_is_drawn_in_the_middle():
    chart = svg.chart([("Sara", [(days(2), 4)]), ("Jonas", [(days(2), 6)])], 1, 10)
    xs = {p.x for line in chart.lines for p in line.points}
    assert xs == {round((AREA_LEFT + AREA_RIGHT) / 2, 1)}


def test_no_answers_is_an_empty_chart_with_its_guide_lines():
    chart = svg.chart([], 1, 10)
    assert chart.lines == [] and chart.first is None and chart.last is None
    assert chart.ticks and chart.cutoff_y is None


def test_every_person_has_a_style_of_their_own_and_styles_repeat_after_the_last():
    series = [(f"P{i}", [(days(i), 5)]) for i in range(len(svg.STYLES) + 1)]
    lines = svg.chart(series, 1, 10).lines
    styles = [(line.marker, line.dash, line.colour) for line in lines]
    assert len(set(styles[: len(svg.STYLES)])) == len(svg.STYLES)
    assert styles[len(svg.STYLES)] == styles[0]
    assert [line.name for line in lines] == [name for name, _points in series]


@pytest.mark.parametrize("low, high", [(1, 5), (1, 10), (0, 40), (0, 10), (0, 100), (0, 7)])
def test_guide_lines_are_evenly_spaced_friendly_values_within_the_scale(low, high):
    chart = svg.chart([], low, high)
    values = [v for v, _y in chart.ticks]
    ys = [y for _v, y in chart.ticks]
    assert values == sorted(values) and low <= values[0] and values[-1] <= high
    assert ys == sorted(ys, reverse=True)  # higher values higher up
    assert 2 <= len(values) <= 7
    steps = {round(b - a, 6) for a, b in zip(values[1:], values[2:], strict=False)}
    assert len(steps) <= 1  # after the bottom line, one step


def test_guide_lines_start_at_the_bottom_of_the_scale():
    chart = svg.chart([], 1, 10)
    assert chart.ticks[0] == (1, AREA_BOTTOM)
    assert [v for v, _y in chart.ticks][1:] == [2, 4, 6, 8, 10]


def test_the_cutoff_sits_at_its_value():
    low, high, cutoff = 0, 40, 25
    chart = svg.chart([], low, high, cutoff=cutoff)
    expected = AREA_BOTTOM - (AREA_BOTTOM - AREA_TOP) * (cutoff - low) / (high - low)
    assert chart.cutoff_y == pytest.approx(expected, abs=0.1)
    assert svg.chart([], low, high, cutoff=low).cutoff_y == AREA_BOTTOM
