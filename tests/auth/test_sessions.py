"""Server-side sessions: sign-out really ends them, timeouts hold, a new id at sign-in, safe cookies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from familyapp import db, tenancy
from familyapp.auth.models import UserSession
from tests.auth.helpers import new_activation, register, sign_in
from tests.dbutil import as_owner
from tests.factories import COOKIE
from tests.fake_authenticator import SoftAuthenticator


def _home(world):
    return f"/families/{world.family_a.id}/"


def test_captured_cookie_is_worthless_after_sign_out(app, client, world, login):
    login(world.parent_a)
    captured = client.get_cookie(COOKIE).value
    assert client.get(_home(world)).status_code == 200
    client.post("/auth/logout")
    attacker = app.test_client()
    attacker.set_cookie(COOKIE, captured)
    response = attacker.get(_home(world))
    assert response.status_code == 302 and "/auth/login" in response.location


def test_sign_out_deletes_the_row_and_asks_the_browser_to_clear(client, world, login):
    login(world.parent_a)
    before = db.session.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == world.parent_a.id)
    )
    response = client.post("/auth/logout")
    assert before == 1
    assert (
        db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == world.parent_a.id))
        == 0
    )
    # The cache goes; "storage" would also delete answers waiting on the phone (tests/browser/test_offline.py
    # checks that the pages kept offline go).
    assert response.headers["Clear-Site-Data"] == '"cache"'


def test_new_session_id_at_sign_in(app, client, world):
    client.get("/auth/login")  # an anonymous session with a CSRF token
    anonymous = client.get_cookie(COOKIE).value
    token, _ = new_activation(app, world.parent_a)
    client.get(f"/auth/activate/{token}")
    register(client, SoftAuthenticator())
    signed_in = client.get_cookie(COOKIE).value
    assert signed_in != anonymous
    old = app.test_client()
    old.set_cookie(COOKIE, anonymous)
    assert old.get(_home(world)).status_code == 302


def _age_session(user, **fields):
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    for name, delta in fields.items():
        setattr(row, name, getattr(row, name) - delta)
    db.session.commit()


def test_idle_timeout(app, client, world, login):
    login(world.parent_a)
    _age_session(world.parent_a, last_seen_at=app.config["SESSION_IDLE_TIMEOUT"] + timedelta(seconds=5))
    assert client.get(_home(world)).status_code == 302


def test_absolute_timeout_even_when_active(app, client, world, login):
    login(world.parent_a)
    _age_session(world.parent_a, signed_in_at=app.config["SESSION_ABSOLUTE_TIMEOUT"] + timedelta(seconds=5))
    assert client.get(_home(world)).status_code == 302


def test_activity_keeps_the_session(app, client, world, login):
    login(world.parent_a)
    _age_session(world.parent_a, last_seen_at=app.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1))
    assert client.get(_home(world)).status_code == 200
    assert client.get(_home(world)).status_code == 200


def test_a_new_activation_signs_out_a_lost_phone(app, client, world):
    phone = SoftAuthenticator()
    token, _ = new_activation(app, world.parent_a)
    client.get(f"/auth/activate/{token}")
    register(client, phone)
    assert client.get(_home(world)).status_code == 200
    new_activation(app, world.parent_a)  # the consultant's "lost phone" activation
    assert client.get(_home(world)).status_code == 302


def test_cookie_attributes_without_https(client, world):
    response = client.get("/auth/login")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie


def test_cookie_is_host_prefixed_and_secure_over_https(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = client.get("/auth/login", base_url="https://localhost")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("__Host-session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_garbage_cookie_is_ignored(app, world):
    client = app.test_client()
    client.set_cookie(COOKIE, "x" * 500)
    assert client.get("/auth/login").status_code == 200


def test_sign_in_after_sign_out_works(app, client, world):
    phone = SoftAuthenticator()
    token, _ = new_activation(app, world.parent_a)
    client.get(f"/auth/activate/{token}")
    register(client, phone)
    client.post("/auth/logout")
    assert sign_in(client, phone).status_code == 200
    assert client.get(_home(world)).status_code == 200


def _session_rows() -> int:
    """Every session row: a visitor's (national, before sign-in) as well as the test municipality's."""
    with as_owner():
        return db.session.scalar(select(func.count()).select_from(UserSession))


class TestAnonymous:
    """An anonymous visitor's CSRF token and language live in a signed cookie until a passkey ceremony begins."""

    def test_the_sign_in_page_stores_no_session(self, client, world):
        first = client.get("/auth/login")
        assert first.status_code == 200 and _session_rows() == 0
        cookie = next(h for h in first.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
        # Unchanged, the cookie is not sent again (so a slow response cannot overwrite a newer one).
        assert not client.get("/auth/login").headers.getlist("Set-Cookie")
        for page in ("/auth/activate", "/install", "/offline", "/auth/activate/register", "/no-such-page"):
            client.get(page)
        assert _session_rows() == 0

    def test_the_language_is_kept_in_the_cookie_and_moves_with_the_ceremony(self, client, world):
        client.get("/auth/login")
        client.post("/language", data={"language": "da", "next": "/auth/login"})
        assert _session_rows() == 0
        assert "Log ind" in client.get("/auth/login").get_data(as_text=True)
        options = client.post("/auth/login/begin")
        assert options.status_code == 200 and _session_rows() == 1
        with tenancy.entered(tenancy.NATIONAL):  # a visitor's, before sign-in: no municipality's
            row = db.session.scalar(select(UserSession))
        assert row.user_id is None and row.municipality_id is None
        assert row.data["language"] == "da" and "csrf_token" in row.data
        assert "webauthn_login" in row.data
        assert "." not in client.get_cookie(COOKIE).value  # now only the id of the row

    def test_activation_moves_into_the_database_when_registration_begins(self, app, client, world):
        token, _ = new_activation(app, world.parent_a)
        assert client.get(f"/auth/activate/{token}").status_code == 302
        assert client.get("/auth/activate/register").status_code == 200 and _session_rows() == 0
        register(client, SoftAuthenticator())
        rows = db.session.scalars(select(UserSession)).all()
        assert len(rows) == 1 and rows[0].user_id == world.parent_a.id and rows[0].signed_in_at is not None

    def test_a_signed_cookie_never_signs_anyone_in(self, app, client, world):
        # Even signed with the app's key, a cookie cannot carry a sign-in: that lives only in the database.
        forged = app.session_interface._serializer(app).dumps({"_user_id": str(world.parent_a.id), "_fresh": True})
        client.set_cookie(COOKIE, forged)
        assert client.get(_home(world)).status_code == 302
        client.set_cookie(COOKIE, forged[:-3] + "abc")  # a broken signature is an empty session
        assert client.get("/auth/login").status_code == 200 and _session_rows() == 0

    def test_sign_out_keeps_the_language_in_a_cookie_and_no_row(self, client, world, login):
        login(world.parent_a)
        client.post("/language", data={"language": "da"})
        client.post("/auth/logout")
        assert _session_rows() == 0
        assert "Log ind" in client.get("/auth/login").get_data(as_text=True) and _session_rows() == 0

    def test_an_expired_session_is_refused_by_a_get_without_writing(self, app, client, world, login):
        login(world.parent_a)
        _age_session(world.parent_a, last_seen_at=app.config["SESSION_IDLE_TIMEOUT"] + timedelta(seconds=5))
        assert client.get(_home(world)).status_code == 302
        assert _session_rows() == 1  # refused, and left for `flask sessions purge`
        assert client.get(_home(world)).status_code == 302
