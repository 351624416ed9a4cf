"""Server-side sessions: the cookie holds only a random id; the data and the expiry live in the database.

Flask's default session is a signed cookie that keeps working after sign-out (ASVS 7.4.1). Here sign-out,
expiry and revocation delete the row, so a captured cookie is worthless afterwards.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, Request, Response, url_for
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.datastructures import CallbackDict

from .. import db
from .models import UserSession

#: Writing last_seen_at on every request would cost a write per page view; a minute is precise enough.
TOUCH_INTERVAL = timedelta(seconds=60)


class ServerSession(CallbackDict, SessionMixin):
    """Session data with a flag for "give me a new id" (at sign-in) and "forget me" (at sign-out)."""

    def __init__(self, initial=None, token: str | None = None, row: UserSession | None = None, ended: bool = False):
        def on_update(self):
            self.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.row = row
        #: The cookie named a session that no longer exists (signed out elsewhere, ended by a recovery, expired).
        self.ended = ended
        self.modified = False
        self.regenerate_requested = False
        self.signed_in = False

    def regenerate(self) -> None:
        """Use a new session id from now on (called at sign-in, ASVS 7.2.4)."""
        self.regenerate_requested = True
        self.modified = True

    def mark_signed_in(self) -> None:
        """Start the absolute timeout now."""
        self.signed_in = True
        self.regenerate()


class DatabaseSessionInterface(SessionInterface):
    """Store sessions in the user_sessions table."""

    def cookie_name(self, app: Flask) -> str:
        # The __Host- prefix needs Secure; without HTTPS (local development) use a plain name.
        return "__Host-session" if app.config["SESSION_COOKIE_SECURE"] else "familyapp_session"

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.cookie_name(app))
        if not token or len(token) > 100:
            return ServerSession()
        row = db.session.get(UserSession, db.secret_hash(token))
        if row is None:
            return ServerSession(ended=True)
        if self._expired(app, row):
            db.session.delete(row)
            db.session.commit()
            return ServerSession(ended=True)
        return ServerSession(dict(row.data or {}), token=token, row=row)

    @staticmethod
    def _expired(app: Flask, row: UserSession) -> bool:
        now = db.utcnow()
        if now - row.last_seen_at > app.config["SESSION_IDLE_TIMEOUT"]:
            return True
        return row.signed_in_at is not None and now - row.signed_in_at > app.config["SESSION_ABSOLUTE_TIMEOUT"]

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        if session.ended and _asks_for_sign_in(response):
            _forget_offline_copies(response)
        # Views commit their own work; anything still pending here was meant to be thrown away (a form that
        # failed validation, say), and committing the session row must not save it by accident.
        if db.session.new or db.session.dirty or db.session.deleted:
            db.session.rollback()
        try:
            self._save(app, session, response)
        except (StaleDataError, ObjectDeletedError):
            # Another request (sign-out in a second tab) deleted this session meanwhile: that one wins.
            db.session.rollback()
            response.delete_cookie(self.cookie_name(app), path="/", secure=app.config["SESSION_COOKIE_SECURE"])

    def _save(self, app: Flask, session: ServerSession, response: Response) -> None:
        name = self.cookie_name(app)
        now = db.utcnow()
        if not session:
            # Emptied (signed out or never used): forget the row and the cookie.
            if session.row is not None:
                db.session.delete(session.row)
                db.session.commit()
            if session.token:
                response.delete_cookie(name, path="/", secure=app.config["SESSION_COOKIE_SECURE"], httponly=True)
            return
        row = session.row
        if session.regenerate_requested and row is not None:
            db.session.delete(row)
            row = None
        if row is None:
            session.token = secrets.token_urlsafe(32)
            row = UserSession(id=db.secret_hash(session.token), created_at=now, last_seen_at=now)
            db.session.add(row)
        elif not session.modified and now - row.last_seen_at < TOUCH_INTERVAL:
            return
        row.data = dict(session)
        row.last_seen_at = now
        row.user_id = _user_id(session)
        if session.signed_in:
            row.signed_in_at = now
        db.session.commit()
        response.set_cookie(
            name,
            session.token,
            path="/",
            secure=app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite=app.config["SESSION_COOKIE_SAMESITE"],
        )
        response.vary.add("Cookie")


def _asks_for_sign_in(response: Response) -> bool:
    """A 401 (the outbox's JSON) or a redirect to the sign-in page."""
    if response.status_code == 401:
        return True
    return response.status_code in (301, 302, 303, 307, 308) and urlsplit(response.location or "").path == url_for(
        "auth.login"
    )


def _forget_offline_copies(response: Response) -> None:
    """This phone's session was ended elsewhere (a recovery after a lost phone, sign-out elsewhere, expiry).

    Clear-Site-Data empties the browser's cache; not "storage", as answers waiting in the outbox (IndexedDB) must
    survive until the next sign-in. Browsers hide that header from scripts, so "X-Offline-User: -" (this is
    nobody's page) tells the service worker and the outbox to drop the pages kept for reading offline.
    """
    response.headers["Clear-Site-Data"] = '"cache"'
    response.headers["X-Offline-User"] = "-"


def _user_id(session: ServerSession) -> uuid.UUID | None:
    try:
        return uuid.UUID(session.get("_user_id", ""))
    except ValueError:
        return None


def signed_in_at(session: ServerSession):
    """When the current session signed in, or None."""
    return session.row.signed_in_at if session.row is not None else None


def end_all_sessions(user_id: uuid.UUID, keep: str | None = None) -> int:
    """Delete every session of a user (lost phone, deactivation); the caller commits.

    :param user_id: whose sessions end.
    :param keep: the id of a session to keep (the one making the change).
    :return: how many ended.
    """
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep)
    result = db.session.execute(stmt.execution_options(synchronize_session=False))
    return result.rowcount or 0


def purge_expired(app: Flask) -> int:
    """Delete sessions past their idle or absolute timeout; run from cron via ``flask sessions purge``."""
    now = db.utcnow()
    stmt = delete(UserSession).where(
        (UserSession.last_seen_at < now - app.config["SESSION_IDLE_TIMEOUT"])
        | (UserSession.signed_in_at < now - app.config["SESSION_ABSOLUTE_TIMEOUT"])
    )
    count = db.session.execute(stmt).rowcount or 0
    db.session.commit()
    return count
