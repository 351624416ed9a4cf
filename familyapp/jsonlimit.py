"""JSON from outside (request bodies, a passkey's clientDataJSON) is parsed only when it is shallow enough.

Python's json module recurses once per nesting level, so a few kilobytes of ``[[[[…`` raise RecursionError (a
500) long before the size limit helps. A cheap scan counts the nesting first and stops at the limit. Our own
JSON is never deeper than 4 levels; the limit leaves room for what browsers send (WebAuthn responses).
"""

from __future__ import annotations

import json
import re

from flask import Flask, current_app, has_app_context, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _

#: Deeper JSON is refused (the app's JSON_MAX_DEPTH overrides it).
MAX_DEPTH = 32

# Strings are blanked before counting: brackets inside them do not nest. Escapes are skipped as pairs.
_STRINGS = {str: re.compile(r'"(?:[^"\\]++|\\.)*+"', re.S), bytes: re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.S)}
_BRACKETS = {str: re.compile(r"[\[\]{}]"), bytes: re.compile(rb"[\[\]{}]")}
_OPENERS = {str: ("[", "{"), bytes: (b"[", b"{")}


class TooDeep(ValueError):
    """JSON nested deeper than the limit. A ValueError, so callers that refuse bad JSON refuse this too."""


def exceeds(data: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text nests deeper than ``limit`` (arrays and objects), counted without parsing it.

    :param data: the JSON text, as str or bytes.
    :param limit: the deepest nesting allowed.
    :return: True as soon as the limit is passed.
    """
    kind = bytes if isinstance(data, bytes | bytearray) else str
    blank = b'""' if kind is bytes else '""'
    level = 0
    for bracket in _BRACKETS[kind].finditer(_STRINGS[kind].sub(blank, data)):
        if bracket.group() in _OPENERS[kind]:
            level += 1
            if level > limit:
                return True
        else:
            level -= 1
    return False


def _limit() -> int:
    return current_app.config.get("JSON_MAX_DEPTH", MAX_DEPTH) if has_app_context() else MAX_DEPTH


def loads(data: str | bytes, **kwargs):
    """``json.loads`` for data from outside: TooDeep (a ValueError) instead of a RecursionError."""
    if exceeds(data, _limit()):
        raise TooDeep(f"JSON nested deeper than {_limit()} levels")
    return json.loads(data, **kwargs)


class LimitedJSONProvider(DefaultJSONProvider):
    """The app's JSON provider: ``request.get_json()`` anywhere gets the depth check (silent=True gives None)."""

    def loads(self, s: str | bytes, **kwargs):
        return loads(s, **kwargs)


def init_app(app: Flask) -> None:
    """Use the limited provider, and answer a too-deep JSON body with a clear 400 before any view runs."""
    app.json = LimitedJSONProvider(app)

    @app.before_request
    def _refuse_deep_json():
        # Only bodies the app would parse as JSON; forms and uploads are never read as JSON.
        if request.is_json and exceeds(request.get_data(cache=True), _limit()):
            text = _("What was sent could not be read: it is nested too deeply.")
            return jsonify({"error": text, "key": "json_too_deep"}), 400
        return None
