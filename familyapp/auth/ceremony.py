"""The server side of a passkey ceremony: pending challenges in the session, and the browser's JSON checked.

Several challenges may be pending at once (passkey autofill plus the button, or two tabs); the response
names its challenge in clientDataJSON, and only a stored, unexpired one is accepted, once.
"""

from __future__ import annotations

import time
from datetime import datetime

from flask import current_app, request, session

from .. import db
from . import webauthn as wa
from .sessions import signed_in_at

#: At most this many challenges wait per ceremony and session; older ones are dropped.
MAX_PENDING = 4


def store_challenge(name: str, challenge: str, **extra) -> None:
    """Remember a new challenge for a ceremony (``"webauthn_login"``, ``"webauthn_register"``).

    A challenge is never kept in the anonymous visitor's cookie (auth.sessions.COOKIE_KEYS): storing one here is
    what moves the session, with its CSRF token and language, into the database, where it is used only once.
    """
    now = time.time()
    pending = [s for s in session.get(name, []) if isinstance(s, dict) and s.get("expires", 0) > now]
    pending = pending[-(MAX_PENDING - 1) :] + [{"challenge": challenge, "expires": now + wa.TIMEOUT_MS / 1000, **extra}]
    session[name] = pending


def take_challenge(name: str, credential: dict) -> dict | None:
    """The stored state for the challenge this response answers, removed so it cannot be used again."""
    answered = wa.challenge_in(credential)
    pending = session.get(name)
    if answered is None or not isinstance(pending, list):
        return None
    match = next((s for s in pending if isinstance(s, dict) and s.get("challenge") == answered), None)
    if match is None:
        return None
    session[name] = [s for s in pending if s is not match]
    return match if match.get("expires", 0) > time.time() else None


def credential_body() -> tuple[dict, str]:
    """The credential and optional label posted by passkeys.js, with the shape checked before any parsing.

    :raise webauthn.RegistrationRejected: for anything that is not a well-formed credential.
    """
    body = request.get_json(silent=True)
    credential = body.get("credential") if isinstance(body, dict) else None
    if not isinstance(credential, dict) or not isinstance(credential.get("rawId"), str):
        raise wa.RegistrationRejected("malformed body")
    response = credential.get("response")
    if not isinstance(response, dict):
        raise wa.RegistrationRejected("malformed response")
    if wa.challenge_in(credential) is None:
        raise wa.RegistrationRejected("unreadable client data")
    label = body.get("label") if isinstance(body.get("label"), str) else ""
    return credential, label


def posted_credential_id() -> str | None:
    """The credential id a sign-in request claims, unverified: only used to count failures per passkey."""
    body = request.get_json(silent=True)
    credential = body.get("credential") if isinstance(body, dict) else None
    raw_id = credential.get("rawId") if isinstance(credential, dict) else None
    return raw_id[:1500] if isinstance(raw_id, str) else None


def fresh_confirmation() -> str | None:
    """How the person confirmed, if they did within the last two minutes: "passkey" (a confirmation) or "sign-in"
    (a new sign-in); None otherwise. Either is used up now. For steps that must be confirmed every time."""
    limit = current_app.config["CONFIRMATION_LIFETIME"]
    now = db.utcnow()
    confirmed = session.pop("confirmed_at", None)
    if confirmed:
        try:
            if now - datetime.fromisoformat(confirmed) <= limit:
                return "passkey"
        except ValueError:
            pass
    started = signed_in_at(session)
    if started is not None and now - started <= limit and session.get("sign_in_spent") != started.isoformat():
        # A new sign-in confirms one step, like a passkey confirmation: the next step asks again.
        session["sign_in_spent"] = started.isoformat()
        return "sign-in"
    return None
