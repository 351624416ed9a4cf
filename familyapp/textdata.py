"""Texts kept as data in every language (scale definitions, consent texts): the languages each text must have, and
the error that says exactly what is wrong with a file."""

from __future__ import annotations

#: Every text kept as data has a version in each of these languages.
LANGUAGES = ("da", "en")


class DefinitionError(ValueError):
    """A definition that cannot be used; ``reasons`` says exactly what is wrong, one line each."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons
