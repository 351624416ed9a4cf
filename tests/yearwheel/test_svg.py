"""The årshjul's drawing: 12 segments on a clock face, the current month marked, every activity's month counted."""

from __future__ import annotations

from datetime import date

import pytest

from familyapp.yearwheel import svg, views
from familyapp.yearwheel.queries import month_window
from tests.yearwheel.helpers import SVG, TODAY, add, svg_counts, wheel_svg

WINDOW = month_window(TODAY)


def test_window_is_twelve_months_from_now_across_new_year():
    assert WINDOW[0] == date(2026, 11, 1) and WINDOW[-1] == date(2027, 10, 1) and len(WINDOW) == 12
    assert month_window(date(2027, 1, 31))[1] == date(2027, 2, 1)


def test_twelve_segments_fill_the_circle_once_and_mark_the_current_month():
    segments = svg.segments(WINDOW, {"2027-01": 2, "2026-11": 1}, TODAY)
    assert [s.key for s in segments][:3] == ["2026-11", "2026-12", "2027-01"]
    assert sorted(s.month.month for s in segments) == list(range(1, 13))
    assert [s.key for s in segments if s.current] == ["2026-11"]
    assert {s.key: s.count for s in segments if s.count} == {"2027-01": 2, "2026-11": 1}


def test_january_sits_at_the_top_and_months_go_clockwise():
    by_month = {s.month.month: s for s in svg.segments(WINDOW, {}, TODAY)}
    assert by_month[1].label.y < 0 < by_month[1].label.x  # just right of twelve o'clock
    assert by_month[4].label.x > 0 and by_month[4].label.y > 0  # April: lower right
    assert by_month[12].label.x < 0 and by_month[12].label.y < 0  # December: just left of the top
    assert by_month[1].path.startswith("M 0.0 -100.0 A 100 100 0 0 1 ")


def test_marker_and_labels_stay_inside_the_viewbox():
    left, top, width, height = (float(v) for v in svg.VIEWBOX.split())
    for s in svg.segments(WINDOW, {}, TODAY):
        for p in (s.label, s.badge, s.marker):
            assert left + 12 < p.x < left + width - 12 and top + 8 < p.y < top + height - 8


def test_a_window_with_a_repeated_month_is_refused():
    with pytest.raises(ValueError):
        svg.segments(month_window(TODAY, 13), {}, TODAY)


def test_the_page_draws_every_activity_month(app, client, world, login, monkeypatch):
    monkeypatch.setattr(views, "_today", lambda: TODAY)
    months = [(2026, 11), (2026, 12), (2027, 3), (2027, 3), (2027, 10)]
    for i, month in enumerate(months):
        add(app, world.family_a, world.consultant_a, month, f"Aktivitet {i}")
    login(world.parent_a)
    page = client.get(f"/families/{world.family_a.id}/yearwheel").get_data(as_text=True)
    counts = svg_counts(page)
    assert len(counts) == 12
    assert {k: v for k, v in counts.items() if v} == {"2026-11": 1, "2026-12": 1, "2027-03": 2, "2027-10": 1}
    root = wheel_svg(page)
    assert len(list(root.iter(f"{SVG}path"))) == 12
    assert len([t for t in root.iter(f"{SVG}text") if t.get("class") == "yw-count"]) == 4
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "yw-label"]
    assert "Nov" in labels and "Mar" in labels and len(labels) == 12
    assert root.find(f"{SVG}title").text and root.get("aria-labelledby") == "yearwheel-title yearwheel-desc"


def test_month_names_follow_the_language(client, world, login, monkeypatch):
    monkeypatch.setattr(views, "_today", lambda: TODAY)
    login(world.parent_a)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "da"
    page = client.get(f"/families/{world.family_a.id}/yearwheel").get_data(as_text=True)
    assert "november 2026" in page and "marts 2027" in page
