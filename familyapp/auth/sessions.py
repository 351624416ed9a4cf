"""Server-side sessions: the cookie holds only a random id; the data and the expiry live in the database.

Flask's default session is a signed cookie that keeps working after sign-out (ASVS 7.4.1). Here sign-out and
revocation delete the row and expiry refuses it, so a captured cookie is worthless afterwards.

An anonymous visitor's few small things (the CSRF token, the chosen language, a message, the activation being
opened) stay in a signed cookie instead, as Flask's default session keeps them: a GET writes nothing (DESIGN §6),
so looking at the sign-in page stores no row. The session moves into the database when a passkey ceremony begins
(a challenge in a cookie could be replayed) and gets a new id in it at sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, Request, Response, url_for
from flask.sessions import SessionInterface, SessionMixin, session_json_serializer
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.datastructures import CallbackDict

from .. import db, tenancy
from ..audit import record_event
from .models import User, UserSession

#: Writing last_seen_at on every request would cost a write per page view; a minute is precise enough.
TOUCH_INTERVAL = timedelta(seconds=60)
#: What an anonymous session may keep in its signed cookie. Anything else (a ceremony's challenge, a signed-in
#: user) puts the session in the database; a cookie that claims anything else is not believed.
COOKIE_KEYS = frozenset({"csrf_token", "language", "_flashes", "activation_id"})


def signed_out_cookie(app: Flask) -> str:
    """The note a phone's script leaves when "Log ud" is tapped (without a connection too): the phone's next
    request, whatever it is, ends the session on the server. Readable by scripts, as it must be set by one."""
    return "__Host-signed-out" if app.config["SESSION_COOKIE_SECURE"] else "familyapp_signed_out"


class ServerSession(CallbackDict, SessionMixin):
    """Session data with a flag for "give me a new id" (at sign-in) and "forget me" (at sign-out)."""

    def __init__(
        self,
        initial=None,
        token: str | None = None,
        row: UserSession | None = None,
        from_cookie: bool = False,
        ended: bool = False,
    ):
        def on_update(self):
            self.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.row = row
        #: Came from an anonymous signed cookie (no row).
        self.from_cookie = from_cookie
        #: The cookie named a session that no longer exists (signed out elsewhere, ended by a recovery, expired).
        self.ended = ended
        self.modified = False
        self.regenerate_requested = False
        self.signed_in = False
        #: The row's user, loaded with it and held here for the request (the identity map holds it only weakly).
        self.user: User | None = None
        #: The languages the user's municipality offers (its setting, loaded with the row; None: all of them).
        self.languages: str | None = None
        #: "Log ud" was tapped on the phone (maybe offline): (the session row's id, its user's id) to end now,
        #: or () when there was no session to end; None when not signed out on the phone.
        self.signed_out_on_phone: tuple | None = None

    def regenerate(self) -> None:
        """Use a new session id from now on (called at sign-in, ASVS 7.2.4)."""
        self.regenerate_requested = True
        self.modified = True

    def mark_signed_in(self) -> None:
        """Start the absolute timeout now."""
        self.signed_in = True
        self.regenerate()


class DatabaseSessionInterface(SessionInterface):
    """Store sessions in the user_sessions table; an anonymous one in a signed cookie until it needs the table."""

    def cookie_name(self, app: Flask) -> str:
        # The __Host- prefix needs Secure; without HTTPS (local development) use a plain name.
        return "__Host-session" if app.config["SESSION_COOKIE_SECURE"] else "familyapp_session"

    @staticmethod
    def _serializer(app: Flask) -> URLSafeTimedSerializer:
        """Signs an anonymous session's cookie as Flask's own cookie session does (its own salt, so no other
        signed value of the app is ever taken for a session)."""
        return URLSafeTimedSerializer(
            app.secret_key,
            salt="familyapp-anonymous-session",
            serializer=session_json_serializer,
            signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256},
        )

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        if tenancy.current() is None:
            # A request begins as a visitor's, in no municipality; its session's row tells which one it works in.
            # (A request context the app makes for itself, to build a link, goes on in the one it is made in.)
            request.environ[tenancy.REQUEST_TOKEN] = tenancy.begin_request()
        value = request.cookies.get(self.cookie_name(app))
        if request.cookies.get(signed_out_cookie(app)) and not _is_logout(request):
            return self._signed_out_on_phone(app, value)
        if not value:
            return ServerSession()
        if "." in value:
            # A database session's id is URL-safe base64, which has no dot; a signed cookie always has two.
            return self._open_cookie(app, value)
        if len(value) > 100:
            return ServerSession()
        row, user, languages = _session_row(db.secret_hash(value))
        if row is not None:
            tenancy.enter_of(row)
        if row is None or self._expired(app, row):
            # Refused at once; an expired row is deleted by `flask sessions purge`, not here (a GET writes
            # nothing, and the row can never be used again anyway). The phone is told to drop its offline copies.
            return ServerSession(ended=True)
        session = ServerSession(dict(row.data or {}), token=value, row=row)
        session.user = user
        session.languages = languages
        return session

    def _open_cookie(self, app: Flask, value: str) -> ServerSession:
        max_age = app.config["ANONYMOUS_SESSION_LIFETIME"].total_seconds()
        try:
            data = self._serializer(app).loads(value, max_age=max_age)
        except BadSignature:
            return ServerSession()
        if not isinstance(data, dict):
            return ServerSession()
        # Even a validly signed cookie never carries a sign-in or a challenge: those live only in the database.
        return ServerSession({k: v for k, v in data.items() if k in COOKIE_KEYS}, from_cookie=True)

    def _signed_out_on_phone(self, app: Flask, value: str | None) -> ServerSession:
        """The phone signed out (its note came with this request): the request is anonymous, and the session it
        named ends when the response goes (save_session). Only the chosen language carries over, as at sign-out."""
        row = None
        if value and "." not in value and len(value) <= 100:
            tenancy.resolve("session", db.secret_hash(value))
            row = db.session.get(UserSession, db.secret_hash(value))
        language = (row.data or {}).get("language") if row is not None else None
        session = ServerSession({"language": language} if language else None, ended=row is not None)
        session.signed_out_on_phone = (row.id, row.user_id) if row is not None else ()
        session.modified = bool(language)
        return session

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
        if session.signed_out_on_phone is not None:
            self._end_signed_out(app, session, response)
        try:
            self._save(app, session, response)
        except (StaleDataError, ObjectDeletedError):
            # Another request (sign-out in a second tab) deleted this session meanwhile: that one wins.
            db.session.rollback()
            response.delete_cookie(self.cookie_name(app), path="/", secure=app.config["SESSION_COOKIE_SECURE"])

    def _end_signed_out(self, app: Flask, session: ServerSession, response: Response) -> None:
        """End the session the phone signed out of (a statement, so a second request doing the same at once is no
        error), audit it, and forget the note and the session's cookie (a new anonymous one may follow)."""
        secure = app.config["SESSION_COOKIE_SECURE"]
        response.delete_cookie(signed_out_cookie(app), path="/", secure=secure)
        if not session.signed_out_on_phone:
            return
        row_id, user_id = session.signed_out_on_phone
        ended = db.session.execute(delete(UserSession).where(UserSession.id == row_id)).rowcount
        user = db.session.get(User, user_id) if user_id is not None and ended else None
        if user is not None:
            record_event(user, "user.signed_out", obj=user, data={"on_phone": True})
        db.session.commit()
        _forget_offline_copies(response)
        response.delete_cookie(self.cookie_name(app), path="/", secure=secure, httponly=True)

    def _save(self, app: Flask, session: ServerSession, response: Response) -> None:
        if not session:
            self._forget(app, session, response)
        elif self._in_cookie(session):
            self._save_cookie(app, session, response)
        else:
            self._save_row(app, session, response)

    @staticmethod
    def _in_cookie(session: ServerSession) -> bool:
        """Whether the session is kept in a signed cookie: anonymous, holding only COOKIE_KEYS, and not already
        in the database (a session that has a row keeps it until it ends or gets a new id)."""
        if session.row is not None and not session.regenerate_requested:
            return False
        return not session.signed_in and set(session) <= COOKIE_KEYS

    def _forget(self, app: Flask, session: ServerSession, response: Response) -> None:
        """Emptied (signed out or never used): forget the row and the cookie."""
        if session.row is not None:
            _delete_row(session.row)
            db.session.commit()
        if session.token or session.from_cookie:
            response.delete_cookie(
                self.cookie_name(app), path="/", secure=app.config["SESSION_COOKIE_SECURE"], httponly=True
            )

    def _save_cookie(self, app: Flask, session: ServerSession, response: Response) -> None:
        """An anonymous session: signed into the cookie when it changed. An unchanged one is not sent again, so a
        slow response (a picture, say) can never overwrite the id of a ceremony that began meanwhile."""
        if session.row is not None:
            # A new id asked for a session that needs no row any more (sign-out keeping the language): the old
            # id ends now.
            _delete_row(session.row)
            db.session.commit()
            session.row, session.token = None, None
        elif not session.modified:
            return
        self._set_cookie(app, response, self._serializer(app).dumps(dict(session)))

    def _save_row(self, app: Flask, session: ServerSession, response: Response) -> None:
        """A signed-in session, or an anonymous one whose passkey ceremony has begun: kept in the database."""
        now = db.utcnow()
        row = session.row
        if row is not None and not (session.regenerate_requested or session.modified):
            if now - row.last_seen_at < TOUCH_INTERVAL:
                return
        if row is not None and (session.regenerate_requested or tenancy.of(row) != tenancy.current()):
            # A new id at sign-in, and whenever the session enters a municipality it was not kept in (a visitor's
            # sign-in or activation): the row of one municipality is never moved into another.
            _delete_row(row)
            row = None
        if row is None:
            session.token = secrets.token_urlsafe(32)
            row = UserSession(id=db.secret_hash(session.token), created_at=now, last_seen_at=now)
            db.session.add(row)
        # A signed-in session's own bookkeeping (its data and last_seen_at for the idle timeout) is written on
        # any request, a GET too: it is the visitor's session, not the family's data.
        row.data = dict(session)
        row.last_seen_at = now
        row.user_id = _user_id(session)
        if session.signed_in:
            row.signed_in_at = now
        db.session.commit()
        self._set_cookie(app, response, session.token)

    def _set_cookie(self, app: Flask, response: Response, value: str) -> None:
        """The same cookie for both kinds: HttpOnly, SameSite=Lax, and Secure (and __Host-) behind HTTPS."""
        response.set_cookie(
            self.cookie_name(app),
            value,
            path="/",
            secure=app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite=app.config["SESSION_COOKIE_SAMESITE"],
        )
        response.vary.add("Cookie")


def _delete_row(row: UserSession) -> None:
    """Delete a session row in its own municipality (a visitor's is national until sign-in)."""
    with tenancy.entered(tenancy.of(row)):
        db.session.delete(row)
        db.session.flush()


#: Every signed-in request's first statement, built once (building it is a good part of its cost).
_SESSION_ROW = (
    select(UserSession, User, tenancy.Municipality.languages)
    .outerjoin(User, User.id == UserSession.user_id)
    .outerjoin(tenancy.Municipality, tenancy.Municipality.id == User.municipality_id)
    .where(UserSession.id == bindparam("key"))
)


def _session_row(key: str) -> tuple[UserSession | None, User | None, str | None]:
    """The session row and, in the same statement, its user and the languages their municipality offers: the
    user loader then finds the user in the database session's identity map instead of asking again, so a
    signed-in page begins with one statement (on PostgreSQL a first one finds the municipality the row may be
    read in)."""
    tenancy.resolve("session", key)
    found = db.session.execute(_SESSION_ROW, {"key": key}).first()
    return tuple(found) if found is not None else (None, None, None)


def _is_logout(request: Request) -> bool:
    """The sign-out itself (its own CSRF-checked way of ending the session; it forgets the note too)."""
    return request.method == "POST" and request.path == url_for("signin.logout")


def _asks_for_sign_in(response: Response) -> bool:
    """A 401 (the outbox's JSON) or a redirect to the sign-in page."""
    if response.status_code == 401:
        return True
    return response.status_code in (301, 302, 303, 307, 308) and urlsplit(response.location or "").path == url_for(
        "signin.login"
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
    """Delete sessions past their idle or absolute timeout, in every municipality and the national ones (the
    visitors' and operators'); run by the worker or ``flask sessions purge``."""
    now = db.utcnow()
    stmt = delete(UserSession).where(
        (UserSession.last_seen_at < now - app.config["SESSION_IDLE_TIMEOUT"])
        | (UserSession.signed_in_at < now - app.config["SESSION_ABSOLUTE_TIMEOUT"])
    )
    count = 0
    for _municipality in tenancy.each(national=True):
        count += db.session.execute(stmt).rowcount or 0
        db.session.commit()
    return count
