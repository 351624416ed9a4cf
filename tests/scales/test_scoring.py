"""Scoring, table-driven for every shipped definition, against hand-worked examples (FIT-AND-SCALES.md)."""

from __future__ import annotations

import copy

import pytest

from familyapp.scales import definitions, scoring

D = {d["key"]: definitions.validate(d) for d in definitions.shipped()}


def answers(key, values):
    return dict(zip([i.key for i in D[key].items], values, strict=True))


# (definition, values, total, below the cutoff?)
TOTALS = [
    ("wellbeing-adult", (6.0, 7.0, 5.0, 8.0), 26.0, False),
    ("wellbeing-adult", (6.2, 6.3, 6.2, 6.2), 24.9, True),
    ("wellbeing-adult", (6.25, 6.25, 6.25, 6.25), 25.0, False),  # on the line is not below it
    ("wellbeing-adult", (0, 0, 0, 0), 0.0, True),  # 0 is a real answer
    ("wellbeing-adult", (10, 10, 10, 10), 40.0, False),
    ("wellbeing-adult", (6.0, None, 5.0, 8.0), None, None),  # a sum needs every line
    ("wellbeing-child", (8.0, 8.0, 8.0, 7.9), 31.9, True),  # children: cutoff 32
    ("wellbeing-child", (8.0, 8.0, 8.0, 8.0), 32.0, False),
    ("alliance-adult", (9.0, 9.0, 9.0, 8.9), 35.9, True),  # alliance: 36
    ("alliance-adult", (9.0, 9.0, 9.0, 9.0), 36.0, False),
    ("alliance-child", (10, 10, 10, 10), 40.0, False),
    ("progression-wheel", (4, 3, 6, 3, 6, 5, 4, 7), 4.75, None),  # a mean, no cutoff
    ("progression-wheel", (4, None, 6, None, None, None, None, None), 5.0, None),  # a mean of what was answered
    ("functioning-parent", (3, 2, 2, 3, 4, 3, 3), 2.86, None),
    ("functioning-professional", (5, 5, 5, 5, 5, 5, 5), 5.0, None),
    ("functioning-young", (None,) * 7, None, None),
]


@pytest.mark.parametrize(("key", "values", "total", "below"), TOTALS)
def test_totals_and_cutoffs(key, values, total, below):
    result = scoring.score(D[key], answers(key, values))
    assert result.total == total
    assert result.answered == sum(v is not None for v in values)
    assert scoring.below_cutoff(D[key], result.total) is below


def test_reverse_scored_items_count_the_other_way():
    data = copy.deepcopy(next(d for d in definitions.shipped() if d["key"] == "functioning-parent"))
    data["items"][0]["reverse"] = True  # e.g. "the child worries" where a high answer is worse
    reverse = definitions.validate(data)
    result = scoring.score(reverse, dict(zip([i.key for i in reverse.items], (5, 1, 1, 1, 1, 1, 1), strict=True)))
    assert result.items["wellbeing"] == 1 and result.total == 1.0
    result = scoring.score(reverse, dict(zip([i.key for i in reverse.items], (2, 1, 1, 1, 1, 1, 1), strict=True)))
    assert result.items["wellbeing"] == 4


# (definition, before, after, reliable change) with the threshold of 5 points (1.5 on the wheel, 0.5 functioning)
CHANGES = [
    ("wellbeing-adult", 20.0, 25.0, "improved"),
    ("wellbeing-adult", 20.0, 24.9, None),
    ("wellbeing-adult", 30.0, 25.0, "deteriorated"),
    ("wellbeing-adult", 30.0, 25.1, None),
    ("wellbeing-adult", None, 25.0, None),
    ("progression-wheel", 4.75, 6.25, "improved"),
    ("functioning-parent", 3.0, 2.5, "deteriorated"),
]


@pytest.mark.parametrize(("key", "before", "after", "change"), CHANGES)
def test_reliable_change(key, before, after, change):
    assert scoring.reliable_change(D[key], before, after) == change


@pytest.mark.parametrize(
    ("first", "last", "outcome"),
    [(20.0, 26.0, "recovered"), (10.0, 16.0, "improved"), (30.0, 22.0, "deteriorated"), (22.0, 24.0, "unchanged")],
)
def test_outcome_from_first_to_last(first, last, outcome):
    assert scoring.outcome(D["wellbeing-adult"], first, last) == outcome


def alerts_for(key, before, after):
    previous = scoring.score(D[key], answers(key, before)) if before else None
    return scoring.alerts(D[key], scoring.score(D[key], answers(key, after)), previous)


def test_alerts_wellbeing():
    assert alerts_for("wellbeing-adult", (7.6, 7.4, 7.8, 7.4), (6.0, 5.8, 6.4, 6.1)) == [
        "below_cutoff",
        "reliable_deterioration",
    ]
    assert alerts_for("wellbeing-adult", (4.6, 6.0, 5.0, 6.0), (6.5, 7.0, 6.2, 7.2)) == ["reliable_improvement"]
    assert alerts_for("wellbeing-adult", (4.8, 6.1, 5.2, 6.3), (6.5, 7.0, 6.2, 7.2)) == []  # 4.5 points: not reliable
    assert alerts_for("wellbeing-adult", None, (6.0, 6.0, 6.0, 6.0)) == ["below_cutoff"]
    assert alerts_for("wellbeing-adult", None, (8.0, 8.0, 8.0, 8.0)) == []


def test_alerts_alliance_drop_and_threshold():
    assert alerts_for("alliance-adult", (9.5, 9.4, 9.6, 9.5), (8.6, 8.9, 8.8, 8.9)) == ["below_cutoff", "drop"]
    assert alerts_for("alliance-adult", (9.5, 9.5, 9.5, 9.5), (9.5, 9.5, 9.5, 9.0)) == []  # a drop of 0.5
    assert alerts_for("alliance-adult", (9.5, 9.5, 9.5, 9.5), (9.5, 9.5, 9.0, 9.0)) == ["drop"]


def test_alerts_wheel_area_drop():
    assert alerts_for("progression-wheel", (4, 3, 6, 3, 6, 5, 4, 7), (4, 3, 4, 3, 6, 5, 4, 7)) == ["item_drop"]
    assert alerts_for("progression-wheel", (4, 3, 6, 3, 6, 5, 4, 7), (4, 3, 5, 3, 6, 5, 4, 7)) == []


@pytest.mark.parametrize(
    ("typed", "value"), [("6,3", 6.3), ("6.3", 6.3), (" 7 ", 7.0), ("", None), ("0", 0.0), (None, None)]
)
def test_typed_numbers(typed, value):
    assert scoring.parse_value(typed) == value


@pytest.mark.parametrize("typed", ["abc", "6,3,1", "nan", "inf", "1e1", "1_0", "٣", "6,"])
def test_not_numbers(typed):
    with pytest.raises(ValueError):
        scoring.parse_value(typed)


@pytest.mark.parametrize(
    ("key", "item", "value", "ok"),
    [
        ("wellbeing-adult", "me", 6.3, True),
        ("wellbeing-adult", "me", 10.0, True),
        ("wellbeing-adult", "me", 10.1, False),
        ("wellbeing-adult", "me", -0.1, False),
        ("wellbeing-adult", "me", 6.35, False),
        ("progression-wheel", "money", 0, False),
        ("progression-wheel", "money", 5.5, False),
        ("functioning-parent", "friends", 5, True),
    ],
)
def test_values_must_fit_the_item(key, item, value, ok):
    assert scoring.check_value(D[key], item, value) is ok
