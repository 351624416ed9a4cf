"""Texts kept as data in every language (scale definitions, consent texts): the languages each text must have, and
the error that says exactly what is wrong with a file."""

from __future__ import annotations

import tomllib
from pathlib import Path

#: Every text kept as data has a version in each language the app speaks (translations/languages.toml).
with (Path(__file__).resolve().parent / "translations" / "languages.toml").open("rb") as _registry:
    LANGUAGES = tuple(tomllib.load(_registry))


class DefinitionError(ValueError):
    """A definition that cannot be used; ``reasons`` says exactly what is wrong, one line each."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def with_new_languages(stored, shipped):
    """``stored`` (a text kept earlier: a scale definition, a consent text) with the languages that ``shipped``
    adds to it, or None when ``shipped`` changes anything else: a version's wording never changes, but it may
    gain translations (a new language of the app reaches the versions kept before it came).
    """
    if isinstance(stored, dict) and isinstance(shipped, dict):
        if "da" in stored and all(isinstance(v, str) for v in stored.values()):
            same = all(shipped.get(code) == text for code, text in stored.items())
            return {**shipped, **stored} if same else None
        if set(stored) != set(shipped):
            return None
        merged = {key: with_new_languages(stored[key], shipped[key]) for key in stored}
        return None if any(value is None for value in merged.values()) else merged
    if isinstance(stored, list) and isinstance(shipped, list) and len(stored) == len(shipped):
        merged = [with_new_languages(a, b) for a, b in zip(stored, shipped, strict=True)]
        return None if any(value is None for value in merged) else merged
    return stored if stored == shipped else None
