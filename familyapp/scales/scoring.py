"""Scoring: pure functions over (definition, answers). 0 is a real score; "not answered" is None, never 0.

FIT facts (FIT-AND-SCALES.md): a total is the sum of the four 0-10 lines (0-40), only when all four are answered;
below the cutoff is the clinical range; a change of at least the reliable-change threshold is reliable; the
alliance is worth a question below its threshold or when it drops since the last meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .definitions import Definition


@dataclass(frozen=True)
class Score:
    """A scored answer: each item as scored (reversed where the definition says), and the total."""

    items: dict[str, float | None]
    #: The sum (or mean) by the definition's rule; None when a sum lacks an item or nothing is answered.
    total: float | None
    answered: int

    @property
    def complete(self) -> bool:
        return self.answered == len(self.items)


def _round(value: float) -> float:
    return round(value + 0.0, 2)


def score(definition: Definition, answers: dict[str, float | None]) -> Score:
    """Score one answer.

    :param definition: the scale.
    :param answers: item key -> the value given, or None for "not answered".
    :return: the Score; a "sum" needs every item, a "mean" uses the items answered.
    """
    items = {}
    for item in definition.items:
        value = answers.get(item.key)
        items[item.key] = None if value is None else (item.min + item.max - value if item.reverse else value)
    given = [v for v in items.values() if v is not None]
    if definition.scoring["rule"] == "sum":
        total = _round(sum(given)) if len(given) == len(items) else None
    else:
        total = _round(sum(given) / len(given)) if given else None
    return Score(items=items, total=total, answered=len(given))


def below_cutoff(definition: Definition, total: float | None) -> bool | None:
    """True below the cutoff (a hard time; for the alliance, worth a talk); None without a cutoff or a total."""
    if definition.cutoff is None or total is None:
        return None
    return total < definition.cutoff


def reliable_change(definition: Definition, before: float | None, after: float | None) -> str | None:
    """ "improved" or "deteriorated" when the change is at least the reliable-change threshold, else None."""
    threshold = definition.scoring.get("reliable_change")
    if threshold is None or before is None or after is None:
        return None
    if after - before >= threshold - 1e-9:
        return "improved"
    if before - after >= threshold - 1e-9:
        return "deteriorated"
    return None


def outcome(definition: Definition, first: float | None, last: float | None) -> str | None:
    """From the first answer to the last: "recovered" (a reliable improvement that crosses the cutoff),
    "improved", "deteriorated", "unchanged", or None when there is nothing to compare."""
    if first is None or last is None:
        return None
    change = reliable_change(definition, first, last)
    if change == "improved" and below_cutoff(definition, first) and not below_cutoff(definition, last):
        return "recovered"
    return change or "unchanged"


def alerts(definition: Definition, current: Score, previous: Score | None) -> list[str]:
    """The alerts the definition asks for, for a new answer compared with the same person's previous one.

    :return: a sorted list of "below_cutoff", "reliable_improvement", "reliable_deterioration", "drop" and
        "item_drop".
    """
    wanted = set(definition.scoring.get("alerts", []))
    found = set()
    total, before = current.total, previous.total if previous else None
    if "below_cutoff" in wanted and below_cutoff(definition, total):
        found.add("below_cutoff")
    if "reliable_change" in wanted:
        change = reliable_change(definition, before, total)
        if change:
            found.add(f"reliable_{'improvement' if change == 'improved' else 'deterioration'}")
    drop = definition.scoring.get("drop")
    if "drop" in wanted and None not in (total, before) and before - total >= drop - 1e-9:
        found.add("drop")
    item_drop = definition.scoring.get("item_drop")
    if "item_drop" in wanted and previous is not None:
        for key, value in current.items.items():
            old = previous.items.get(key)
            if value is not None and old is not None and old - value >= item_drop - 1e-9:
                found.add("item_drop")
    return sorted(found)


def parse_value(raw: str | None) -> float | None:
    """A number typed by a person: "6,3" and "6.3" are the same; blank is None; anything else raises ValueError."""
    text = (raw or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"-?[0-9]{1,4}([.,][0-9]{1,4})?", text):
        raise ValueError(raw)
    return float(text.replace(",", "."))


def check_value(definition: Definition, key: str, value: float) -> bool:
    """True when a value fits its item: inside the range, on a step."""
    item = next(i for i in definition.items if i.key == key)
    if not item.min <= value <= item.max:
        return False
    steps = (value - item.min) / item.step
    return abs(steps - round(steps)) < 1e-6
