"""The sign-in and activation messages: every key the code names exists, and each is said in the reader's language."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

from familyapp import db
from familyapp.auth import services
from familyapp.auth.messages import MESSAGES, message
from familyapp.auth.models import RecoveryRequest

PACKAGE = Path(__file__).resolve().parents[2] / "familyapp"
#: The calls whose first argument is a key of auth.messages.
KEYED_CALLS = {"message", "_json_error", "Refused", "PasskeyError", "RecoveryError"}
#: The modules that use auth.messages (the other features keep their own MESSAGES).
USERS = ["signin/views.py", "recovery/views.py", "recovery/services.py", "auth/services.py", "auth/ceremony.py"]


def _keys_named_in(path: Path) -> set[str]:
    keys = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in KEYED_CALLS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys.add(first.value)
        # getattr(exc, "key", "passkey_rejected"): the default key of an exception without one.
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr" and len(node.args) == 3:
            if isinstance(node.args[1], ast.Constant) and node.args[1].value == "key":
                keys.add(node.args[2].value)
    return keys


def test_every_key_named_in_the_code_has_a_message():
    named = set().union(*(_keys_named_in(PACKAGE / module) for module in USERS))
    assert {"too_many_attempts", "passkey_rejected", "recovery_not_yours", "passkey_last"} <= named  # the scan works
    assert named - MESSAGES.keys() == set()
    assert services.ActivationError.key in MESSAGES


def test_every_state_a_recovery_can_be_refused_in_has_a_message():
    now = db.utcnow()
    later = now + timedelta(hours=1)
    requests = [
        RecoveryRequest(expires_at=later),
        RecoveryRequest(expires_at=later, confirmed_at=now),
        RecoveryRequest(expires_at=later, confirmed_at=now, handed_out_at=now),
        RecoveryRequest(expires_at=later, cancelled_at=now),
        RecoveryRequest(expires_at=now),
    ]
    states = {req.state(now) for req in requests}
    assert states == {"waiting", "confirmed", "done", "cancelled", "expired"}
    assert {f"recovery_{state}" for state in states} - MESSAGES.keys() == set()


@pytest.mark.parametrize(
    "language, text",
    [("da", "For mange forsøg. Vent et par minutter, og prøv igen."), ("en", "Too many attempts.")],
)
def test_a_message_is_said_in_the_readers_language(app, language, text):
    with app.test_request_context(headers={"Accept-Language": language}):
        said = message("too_many_attempts")
        assert isinstance(said, str) and said.startswith(text)


def test_every_message_has_a_danish_text(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = {key: message(key) for key in MESSAGES}
    with app.test_request_context(headers={"Accept-Language": "da"}):
        danish = {key: message(key) for key in MESSAGES}
    assert [key for key in MESSAGES if danish[key] == english[key]] == []


def test_an_unknown_key_is_a_programming_error(app):
    with app.test_request_context(), pytest.raises(KeyError):
        message("no_such_key")
