"""The server side of a passkey ceremony: challenges kept per session (a few at once, each used once, none after
it expired), the browser's JSON checked for shape before anything reads it, and a fresh confirmation used up once."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import flask
import pytest
from webauthn.helpers import bytes_to_base64url

from familyapp import db
from familyapp.auth import ceremony
from familyapp.auth.sessions import ServerSession
from familyapp.auth.webauthn import TIMEOUT_MS, RegistrationRejected


def _credential(challenge: str = "ch-1", raw_id: str = "cred-1") -> dict:
    client_data = json.dumps({"type": "webauthn.get", "challenge": challenge}).encode()
    return {"rawId": raw_id, "response": {"clientDataJSON": bytes_to_base64url(client_data)}}


@contextmanager
def _request(app, *, json_body=None, row=None):
    """A request whose session is a fresh server-side session (signed in at ``row.signed_in_at`` if given)."""
    with app.test_request_context("/", method="POST", json=json_body):
        assert isinstance(flask.session._get_current_object(), ServerSession) and not flask.session
        flask.session.row = row
        yield flask.session


# --- challenges -------------------------------------------------------------------------------------------------


def test_a_stored_challenge_is_taken_once_with_what_was_kept_with_it(app):
    with _request(app) as session:
        ceremony.store_challenge("webauthn_register", "ch-1", activation_id="a-1")
        state = ceremony.take_challenge("webauthn_register", _credential("ch-1"))
        assert state["challenge"] == "ch-1" and state["activation_id"] == "a-1"
        assert state["expires"] == pytest.approx(time.time() + TIMEOUT_MS / 1000, abs=5)
        assert ceremony.take_challenge("webauthn_register", _credential("ch-1")) is None
        assert session["webauthn_register"] == []


def test_several_challenges_wait_at_once_and_each_is_answered_by_its_own(app):
    with _request(app):
        ceremony.store_challenge("webauthn_login", "autofill")
        ceremony.store_challenge("webauthn_login", "button")
        assert ceremony.take_challenge("webauthn_login", _credential("autofill"))["challenge"] == "autofill"
        assert ceremony.take_challenge("webauthn_login", _credential("button"))["challenge"] == "button"


def test_a_challenge_belongs_to_its_ceremony(app):
    with _request(app):
        ceremony.store_challenge("webauthn_login", "ch-1")
        assert ceremony.take_challenge("webauthn_confirm", _credential("ch-1")) is None
        assert ceremony.take_challenge("webauthn_login", _credential("ch-1")) is not None


def test_at_most_a_few_challenges_wait_and_the_oldest_go_first(app):
    with _request(app) as session:
        for n in range(ceremony.MAX_PENDING + 2):
            ceremony.store_challenge("webauthn_login", f"ch-{n}")
        kept = [s["challenge"] for s in session["webauthn_login"]]
        assert kept == [f"ch-{n}" for n in range(2, ceremony.MAX_PENDING + 2)]
        assert ceremony.take_challenge("webauthn_login", _credential("ch-0")) is None


def test_an_expired_challenge_is_dropped_and_never_accepted(app):
    with _request(app) as session:
        session["webauthn_login"] = [{"challenge": "old", "expires": time.time() - 1}, "not a dict"]
        assert ceremony.take_challenge("webauthn_login", _credential("old")) is None
        assert session["webauthn_login"] == ["not a dict"]  # used up all the same
        session["webauthn_login"] = [{"challenge": "old", "expires": time.time() - 1}, "not a dict"]
        ceremony.store_challenge("webauthn_login", "new")
        assert [s["challenge"] for s in session["webauthn_login"]] == ["new"]


@pytest.mark.parametrize(
    "credential",
    [{}, {"response": {}}, {"response": {"clientDataJSON": "!!"}}, _credential("unknown")],
    ids=["nothing", "no client data", "unreadable client data", "an unknown challenge"],
)
def test_a_response_without_a_stored_challenge_gets_nothing(app, credential):
    with _request(app) as session:
        ceremony.store_challenge("webauthn_login", "ch-1")
        assert ceremony.take_challenge("webauthn_login", credential) is None
        assert len(session["webauthn_login"]) == 1


def test_a_session_without_pending_challenges_gets_nothing(app):
    with _request(app) as session:
        assert ceremony.take_challenge("webauthn_login", _credential()) is None
        session["webauthn_login"] = "ch-1"  # not the shape store_challenge writes
        assert ceremony.take_challenge("webauthn_login", _credential("ch-1")) is None


# --- the posted credential --------------------------------------------------------------------------------------


def test_a_well_formed_credential_and_its_label_are_read(app):
    credential = _credential()
    with _request(app, json_body={"credential": credential, "label": "Min telefon"}):
        assert ceremony.credential_body() == (credential, "Min telefon")
    with _request(app, json_body={"credential": credential, "label": ["not", "text"]}):
        assert ceremony.credential_body() == (credential, "")


@pytest.mark.parametrize(
    "body",
    [
        None,
        ["a list"],
        {"credential": "text"},
        {"credential": {**_credential(), "rawId": 5}},
        {"credential": {**_credential(), "response": "text"}},
        {"credential": {"rawId": "x", "response": {"clientDataJSON": bytes_to_base64url(b"[1]")}}},
    ],
    ids=["no body", "a list", "credential not an object", "rawId not text", "response not an object", "no challenge"],
)
def test_a_malformed_credential_is_rejected_before_it_is_parsed(app, body):
    with _request(app, json_body=body), pytest.raises(RegistrationRejected):
        ceremony.credential_body()


def test_the_claimed_credential_id_is_read_unverified_and_cut_short(app):
    with _request(app, json_body={"credential": _credential(raw_id="abc")}):
        assert ceremony.posted_credential_id() == "abc"
    with _request(app, json_body={"credential": _credential(raw_id="x" * 5000)}):
        assert ceremony.posted_credential_id() == "x" * 1500
    for body in (None, {"credential": "x"}, {"credential": {"rawId": 7}}):
        with _request(app, json_body=body):
            assert ceremony.posted_credential_id() is None


# --- a fresh confirmation ---------------------------------------------------------------------------------------


def test_a_passkey_confirmation_counts_once_within_the_lifetime(app):
    with _request(app) as session:
        session["confirmed_at"] = (db.utcnow() - timedelta(seconds=30)).isoformat()
        assert ceremony.fresh_confirmation() == "passkey"
        assert "confirmed_at" not in session and ceremony.fresh_confirmation() is None


@pytest.mark.parametrize("value", ["not a time", "old"])
def test_an_old_or_unreadable_confirmation_counts_for_nothing_and_is_used_up(app, value):
    too_old = db.utcnow() - app.config["CONFIRMATION_LIFETIME"] - timedelta(seconds=1)
    with _request(app) as session:
        session["confirmed_at"] = too_old.isoformat() if value == "old" else value
        assert ceremony.fresh_confirmation() is None and "confirmed_at" not in session


def test_a_new_sign_in_confirms_one_step(app):
    row = SimpleNamespace(signed_in_at=db.utcnow() - timedelta(seconds=10))
    with _request(app, row=row) as session:
        assert ceremony.fresh_confirmation() == "sign-in"
        assert session["sign_in_spent"] == row.signed_in_at.isoformat()
        assert ceremony.fresh_confirmation() is None  # the next step asks again


def test_an_older_sign_in_confirms_nothing(app):
    row = SimpleNamespace(signed_in_at=db.utcnow() - app.config["CONFIRMATION_LIFETIME"] - timedelta(seconds=1))
    with _request(app, row=row):
        assert ceremony.fresh_confirmation() is None


def test_a_passkey_confirmation_is_used_before_the_sign_in(app):
    row = SimpleNamespace(signed_in_at=db.utcnow())
    with _request(app, row=row) as session:
        session["confirmed_at"] = db.utcnow().isoformat()
        assert ceremony.fresh_confirmation() == "passkey"
        assert ceremony.fresh_confirmation() == "sign-in"
        assert ceremony.fresh_confirmation() is None
