"""Scale definitions are data: versioned TOML or JSON files, validated here with exact reasons, then kept in the
database (models.ScaleDefinition). A municipality with a licence loads the official wording the same way.

Pure functions and frozen dataclasses; nothing here touches the database or the request.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..textdata import LANGUAGES, DefinitionError  # noqa: F401 - DefinitionError is part of this module's API

SHIPPED = Path(__file__).resolve().parent / "definitions"

PURPOSES = ("wellbeing", "alliance", "progression", "functioning")
#: Who fills the form: the person about themselves, a parent about a child, or a professional about a child.
RESPONDENTS = ("self", "parent", "professional")
ITEM_TYPES = ("vas", "scale", "likert")
RULES = ("sum", "mean")
ALERTS = ("below_cutoff", "reliable_change", "drop", "item_drop")
#: Which anchor each purpose has: the method fills wellbeing before a meeting, the collaboration after it, the
#: wheel and functioning in their cadence. Other combinations would not be scheduled as the method says.
PURPOSE_ANCHOR = {
    "wellbeing": "before_meeting",
    "alliance": "after_meeting",
    "progression": "every_months",
    "functioning": "every_months",
}
ANCHORS = {
    "before_meeting": {"hours_before": (1, 336)},
    "after_meeting": {"days_after": (1, 30)},
    "every_months": {"months": (1, 24), "window_days": (1, 90)},
}
TOP = {
    "key",
    "version",
    "purpose",
    "respondent",
    "min_age",
    "max_age",
    "title",
    "intro",
    "faces",
    "options",
    "items",
    "scoring",
    "schedule",
}
ITEM = {"key", "type", "min", "max", "step", "label", "low", "high", "reverse"}
SCORING = {"rule", "cutoff", "reliable_change", "drop", "item_drop", "alerts"}


@dataclass(frozen=True)
class Item:
    key: str
    type: str
    min: float
    max: float
    step: float
    label: dict
    low: dict | None
    high: dict | None
    reverse: bool

    @property
    def decimals(self) -> int:
        """How many decimals an answer has (0.1 steps: one)."""
        return 0 if float(self.step).is_integer() else 1


@dataclass(frozen=True)
class Definition:
    """A validated scale definition."""

    key: str
    version: int
    purpose: str
    respondent: str
    min_age: int
    max_age: int
    title: dict
    intro: dict
    faces: bool
    options: tuple
    items: tuple[Item, ...]
    scoring: dict
    schedule: dict

    @property
    def total_range(self) -> tuple[float, float]:
        """The lowest and highest possible total (a mean stays on the items' scale)."""
        if self.scoring["rule"] == "mean":
            return min(i.min for i in self.items), max(i.max for i in self.items)
        return sum(i.min for i in self.items), sum(i.max for i in self.items)

    @property
    def cutoff(self) -> float | None:
        return self.scoring.get("cutoff")


class _Check:
    """Collects every problem in a definition, so one run tells the author all of them."""

    def __init__(self):
        self.reasons: list[str] = []

    def fail(self, where: str, what: str) -> None:
        self.reasons.append(f"{where}: {what}" if where else what)

    def only(self, data: dict, allowed: set, where: str) -> None:
        for name in sorted(set(data) - allowed):
            self.fail(where, f"unknown field '{name}'")

    def text(self, data: dict, name: str, where: str, required: bool = True) -> None:
        value = data.get(name)
        if value is None:
            if required:
                self.fail(where, f"'{name}' is missing")
            return
        if not isinstance(value, dict):
            self.fail(where, f"'{name}' must have a text per language ({', '.join(LANGUAGES)})")
            return
        for language in LANGUAGES:
            if not isinstance(value.get(language), str) or not value[language].strip():
                self.fail(where, f"missing translation '{language}' in '{name}'")
        self.only(value, set(LANGUAGES), f"{where}.{name}" if where else name)

    def number(self, data: dict, name: str, where: str, low: float, high: float, integer=False, required=True):
        value = data.get(name)
        if value is None:
            if required:
                self.fail(where, f"'{name}' is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
            self.fail(where, f"'{name}' must be {'a whole number' if integer else 'a number'}")
            return None
        if not low <= value <= high:
            self.fail(where, f"'{name}' is {value}, outside {low}-{high}")
            return None
        return value


def _check_item(check: _Check, item, index: int, seen: set, has_options: bool) -> None:
    where = f"items[{index}]"
    if not isinstance(item, dict):
        check.fail(where, "must be a table")
        return
    check.only(item, ITEM, where)
    key = item.get("key")
    if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
        check.fail(where, "'key' must be a short lower-case name such as 'overall'")
    elif key in seen:
        check.fail(where, f"the key '{key}' is used twice")
    seen.add(key)
    kind = item.get("type")
    if kind not in ITEM_TYPES:
        check.fail(where, f"'type' must be one of {', '.join(ITEM_TYPES)}")
    low = check.number(item, "min", where, -100, 1000)
    high = check.number(item, "max", where, -100, 1000)
    step = check.number(item, "step", where, 0.01, 100)
    if None not in (low, high, step):
        if low >= high:
            check.fail(where, f"'min' ({low}) must be below 'max' ({high})")
        elif abs(round((high - low) / step) * step - (high - low)) > 1e-9:
            check.fail(where, f"'step' {step} does not divide {low}-{high} evenly")
        if kind in ("scale", "likert") and not float(step).is_integer():
            check.fail(where, f"a {kind} item needs whole steps")
        if kind == "vas" and step not in (0.1, 1):
            check.fail(where, "a vas item has steps of 0.1 (or 1)")
    check.text(item, "label", where)
    for end in ("low", "high"):
        # Anchors are needed on a line or a scale, and must be proper texts wherever they are given.
        check.text(item, end, where, required=kind in ("vas", "scale"))
    if kind == "likert" and not has_options:
        check.fail(where, "a likert item needs the definition's 'options'")
    if "reverse" in item and not isinstance(item["reverse"], bool):
        check.fail(where, "'reverse' must be true or false")


def _check_options(check: _Check, options, items: list) -> None:
    if not isinstance(options, list) or not options:
        check.fail("options", "must be a list of answers")
        return
    values = []
    for index, option in enumerate(options):
        where = f"options[{index}]"
        if not isinstance(option, dict):
            check.fail(where, "must be a table")
            continue
        check.only(option, {"value", "label"}, where)
        values.append(check.number(option, "value", where, -100, 1000, integer=True))
        check.text(option, "label", where)
    given = sorted(v for v in values if v is not None)
    for index, item in enumerate(items):
        if not isinstance(item, dict) or item.get("type") != "likert":
            continue
        low, high = item.get("min"), item.get("max")
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= high - low <= 20):
            continue  # the item's own check reports a wrong range
        if given != list(range(low, high + 1)):
            check.fail(f"items[{index}]", f"the options' values must be {low} to {high}, one each")


def _check_scoring(check: _Check, scoring, total: tuple[float, float] | None) -> None:
    if not isinstance(scoring, dict):
        check.fail("scoring", "is missing")
        return
    check.only(scoring, SCORING, "scoring")
    if scoring.get("rule") not in RULES:
        check.fail("scoring", f"'rule' must be one of {', '.join(RULES)}")
    if total is not None:
        check.number(scoring, "cutoff", "scoring", total[0], total[1], required=False)
        span = total[1] - total[0]
        for name in ("reliable_change", "drop", "item_drop"):
            check.number(scoring, name, "scoring", 0.01, span, required=False)
    alerts = scoring.get("alerts", [])
    if not isinstance(alerts, list) or any(a not in ALERTS for a in alerts):
        check.fail("scoring", f"'alerts' may list {', '.join(ALERTS)}")
        return
    needs = {"below_cutoff": "cutoff", "reliable_change": "reliable_change", "drop": "drop", "item_drop": "item_drop"}
    for alert in alerts:
        if needs[alert] not in scoring:
            check.fail("scoring", f"the alert '{alert}' needs '{needs[alert]}'")


def _check_schedule(check: _Check, schedule, purpose) -> None:
    if not isinstance(schedule, dict):
        check.fail("schedule", "is missing")
        return
    anchor = schedule.get("anchor")
    if anchor not in ANCHORS:
        check.fail("schedule", f"'anchor' must be one of {', '.join(ANCHORS)}")
        return
    if purpose in PURPOSE_ANCHOR and anchor != PURPOSE_ANCHOR[purpose]:
        check.fail("schedule", f"a {purpose} scale has the anchor '{PURPOSE_ANCHOR[purpose]}'")
    check.only(schedule, {"anchor", *ANCHORS[anchor]}, "schedule")
    for name, (low, high) in ANCHORS[anchor].items():
        check.number(schedule, name, "schedule", low, high, integer=True)


def validate(data: dict) -> Definition:
    """Check a definition and build it; every problem is reported at once.

    :param data: the parsed file.
    :return: the Definition.
    :raises DefinitionError: with the exact reasons.
    """
    check = _Check()
    if not isinstance(data, dict):
        raise DefinitionError(["the file must hold one definition (a table at the top)"])
    check.only(data, TOP, "")
    if not isinstance(data.get("key"), str) or not re.fullmatch(r"[a-z][a-z0-9-]{1,59}", data.get("key", "")):
        check.fail("", "'key' must be a lower-case name such as 'wellbeing-adult'")
    check.number(data, "version", "", 1, 10_000, integer=True)
    if data.get("purpose") not in PURPOSES:
        check.fail("", f"'purpose' must be one of {', '.join(PURPOSES)}")
    if data.get("respondent") not in RESPONDENTS:
        check.fail("", f"'respondent' must be one of {', '.join(RESPONDENTS)}")
    low_age = check.number(data, "min_age", "", 0, 120, integer=True)
    high_age = check.number(data, "max_age", "", 0, 120, integer=True)
    if None not in (low_age, high_age) and low_age > high_age:
        check.fail("", f"'min_age' ({low_age}) is above 'max_age' ({high_age})")
    check.text(data, "title", "")
    check.text(data, "intro", "")
    if "faces" in data and not isinstance(data["faces"], bool):
        check.fail("", "'faces' must be true or false")
    items = data.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= 30:
        check.fail("", "'items' must list 1 to 30 questions")
        items = []
    if "options" in data:
        _check_options(check, data["options"], items)
    seen: set = set()
    for index, item in enumerate(items):
        _check_item(check, item, index, seen, "options" in data)
    total = None
    if items and not check.reasons:  # the items are sound: the possible total is known, to check the cutoff
        rule = data["scoring"].get("rule") if isinstance(data.get("scoring"), dict) else None
        lows, highs = [i["min"] for i in items], [i["max"] for i in items]
        total = (min(lows), max(highs)) if rule == "mean" else (sum(lows), sum(highs))
    _check_scoring(check, data.get("scoring"), total)
    _check_schedule(check, data.get("schedule"), data.get("purpose"))
    if check.reasons:
        raise DefinitionError(check.reasons)
    return build(data)


def build(data: dict) -> Definition:
    """A Definition from data that has been validated (e.g. a row kept in the database)."""
    items = tuple(
        Item(
            key=i["key"],
            type=i["type"],
            min=i["min"],
            max=i["max"],
            step=i["step"],
            label=i["label"],
            low=i.get("low"),
            high=i.get("high"),
            reverse=i.get("reverse", False),
        )
        for i in data["items"]
    )
    return Definition(
        key=data["key"],
        version=data["version"],
        purpose=data["purpose"],
        respondent=data["respondent"],
        min_age=data["min_age"],
        max_age=data["max_age"],
        title=data["title"],
        intro=data["intro"],
        faces=data.get("faces", False),
        options=tuple((o["value"], o["label"]) for o in data.get("options", [])),
        items=items,
        scoring=data["scoring"],
        schedule=data["schedule"],
    )


def read_file(path: Path) -> dict:
    """Parse a definition file (.toml or .json).

    :raises DefinitionError: when the file cannot be read or parsed.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DefinitionError([f"cannot read {path}: {exc.strerror}"]) from exc
    try:
        if path.suffix.lower() == ".json":
            return json.loads(raw)
        return tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DefinitionError([f"{path.name} is not valid {path.suffix.lstrip('.').upper() or 'TOML'}: {exc}"]) from exc


def shipped() -> list[dict]:
    """The definitions that come with the app, parsed (validated when loaded); none found is a broken installation,
    said at once."""
    found = [read_file(path) for path in sorted(SHIPPED.glob("*.toml"))]
    if not found:
        raise RuntimeError(f"No scale definitions in {SHIPPED}: the installation is incomplete.")
    return found
