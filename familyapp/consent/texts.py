"""Consent texts are data: versioned TOML files, validated here with exact reasons, then kept in the database
(models.ConsentTemplate). Pure functions; nothing here touches the database."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..gate.models import KINDS
from ..textdata import LANGUAGES, DefinitionError

SHIPPED = Path(__file__).resolve().parent / "templates"
FIELDS = {"key", "version", "covers", "requires", "months", "title", "purpose", "text"}
#: "one": any parent with custody may consent; "all": every parent with custody must.
REQUIRES = ("one", "all")


def validate(data: dict) -> dict:
    """Check a consent text; every problem is reported at once.

    :return: the data, unchanged.
    :raises DefinitionError: with the exact reasons (the same error the scale definitions use).
    """
    reasons = []
    if not isinstance(data, dict):
        raise DefinitionError(["the file must hold one consent text (a table at the top)"])
    reasons += [f"unknown field '{name}'" for name in sorted(set(data) - FIELDS)]
    if not isinstance(data.get("key"), str) or not re.fullmatch(r"[a-z][a-z0-9-]{1,59}", data.get("key", "")):
        reasons.append("'key' must be a lower-case name such as 'share-plan'")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        reasons.append("'version' must be a whole number from 1")
    covers = data.get("covers")
    if not isinstance(covers, list) or not covers or any(kind not in KINDS for kind in covers):
        reasons.append(f"'covers' must list some of {', '.join(KINDS)}")
    if data.get("requires") not in REQUIRES:
        reasons.append("'requires' must be 'one' or 'all'")
    months = data.get("months")
    if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= 60:
        reasons.append("'months' must be a whole number from 0 (until withdrawn) to 60")
    for name in ("title", "purpose", "text"):
        value = data.get(name)
        if not isinstance(value, dict):
            reasons.append(f"'{name}' must have a text per language ({', '.join(LANGUAGES)})")
            continue
        reasons += [f"missing translation '{lang}' in '{name}'" for lang in LANGUAGES if not _text(value.get(lang))]
        reasons += [f"{name}: unknown field '{extra}'" for extra in sorted(set(value) - set(LANGUAGES))]
    if reasons:
        raise DefinitionError(reasons)
    return data


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def shipped() -> list[dict]:
    """The consent texts that come with the app; none found is a broken installation, said at once (an empty list
    would let db-upgrade store nothing without a word)."""
    texts = [tomllib.loads(path.read_text("utf-8")) for path in sorted(SHIPPED.glob("*.toml"))]
    if not texts:
        raise RuntimeError(f"No consent texts in {SHIPPED}: the installation is incomplete.")
    return texts
