"""A phone whose session was ended elsewhere (a recovery after a lost phone, sign-out elsewhere, expiry) is told
at its next contact to drop what it keeps: the 401 and the redirect to sign-in carry Clear-Site-Data "cache" (not
"storage": answers waiting in the outbox must survive). Offline copies expire after OFFLINE_MAX_AGE_DAYS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from familyapp import db
from familyapp.auth.models import UserSession
from familyapp.auth.sessions import end_all_sessions
from familyapp.config import from_environment
from tests.scales.test_views import fill, meeting_in, s_url

OUTBOX = {"X-Outbox": "replay", "Accept": "application/json"}


def _ended_elsewhere(user) -> None:
    """What a recovery activation does to the person's other sessions."""
    end_all_sessions(user.id)
    db.session.commit()


def _answer_url(world) -> str:
    return s_url(world, f"/fill/wellbeing.m.{meeting_in(world, 30).id}")


class TestTheServerTellsThePhone:
    def test_the_outbox_s_401_and_the_page_s_redirect(self, client, world, login):
        login(world.parent_a)
        url = _answer_url(world)
        _ended_elsewhere(world.parent_a)
        response = client.post(url, data=fill((5, 5, 5, 5)), headers=OUTBOX)
        assert response.status_code == 401 and response.get_json() == {"signin": True}
        assert response.headers["Clear-Site-Data"] == '"cache"'
        # Browsers hide Clear-Site-Data from scripts: this one tells the outbox and the service worker.
        assert response.headers["X-Offline-User"] == "-"
        page = client.get(f"/families/{world.family_a.id}/plan")
        assert page.status_code == 302 and "/auth/login" in page.location
        assert page.headers["Clear-Site-Data"] == '"cache"' and page.headers["X-Offline-User"] == "-"

    def test_also_when_the_old_token_is_refused_first(self, app, client, world, login, monkeypatch):
        """In production the outbox's CSRF token belongs to the ended session: that 401 carries it too."""
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        login(world.parent_a)
        url = _answer_url(world)
        _ended_elsewhere(world.parent_a)
        response = client.post(url, data={**fill((5, 5, 5, 5)), "csrf_token": "from-the-ended-session"}, headers=OUTBOX)
        assert response.status_code == 401 and response.headers["Clear-Site-Data"] == '"cache"'

    def test_an_expired_session_too(self, client, world, login):
        login(world.parent_a)
        old = db.utcnow() - timedelta(hours=2)
        db.session.execute(update(UserSession).where(UserSession.user_id == world.parent_a.id).values(last_seen_at=old))
        db.session.commit()
        page = client.get(f"/families/{world.family_a.id}/")
        assert page.status_code == 302 and page.headers["Clear-Site-Data"] == '"cache"'

    def test_never_storage_and_never_for_a_visitor_or_a_live_session(self, client, world, login):
        visitor = client.get(f"/families/{world.family_a.id}/")
        assert visitor.status_code == 302 and "Clear-Site-Data" not in visitor.headers
        login(world.parent_a)
        assert "Clear-Site-Data" not in client.get(f"/families/{world.family_a.id}/").headers
        _ended_elsewhere(world.parent_a)
        header = client.get(f"/families/{world.family_a.id}/").headers["Clear-Site-Data"]
        assert "storage" not in header and "cookies" not in header

    def test_the_phone_s_code_drops_its_copies_when_told(self, client):
        with client.get("/static/js/outbox.js") as response:
            outbox = response.get_data(as_text=True)
        assert "sessionEnded(response)" in outbox and "forgetPages()" in outbox
        worker = client.get("/sw.js").get_data(as_text=True)
        assert 'if (user === "-") return forgetPages(null);' in worker


class TestOfflineAge:
    def test_three_days_by_default(self, client):
        assert "const MAX_AGE_MS = 259200000;" in client.get("/sw.js").get_data(as_text=True)

    def test_configurable_and_a_new_worker(self, app, client, monkeypatch):
        before = client.get("/sw.js").get_data(as_text=True)
        monkeypatch.setitem(app.config, "OFFLINE_MAX_AGE_DAYS", 1)
        after = client.get("/sw.js").get_data(as_text=True)
        assert "const MAX_AGE_MS = 86400000;" in after
        release = [line for line in after.splitlines() if line.startswith("const RELEASE")]
        assert release and release[0] not in before  # phones take the new age up like any new release

    def test_from_the_environment(self, monkeypatch, tmp_path):
        monkeypatch.setenv("OFFLINE_MAX_AGE_DAYS", "7")
        assert from_environment(str(tmp_path))["OFFLINE_MAX_AGE_DAYS"] == 7
        monkeypatch.setenv("OFFLINE_MAX_AGE_DAYS", "three")
        with pytest.raises(ValueError, match="OFFLINE_MAX_AGE_DAYS"):
            from_environment(str(tmp_path))


class TestSignedOutOnThePhone:
    """ "Log ud" tapped without a connection: the phone keeps a note (a cookie its script sets) and the server ends
    the session at the phone's next contact, whatever that is; the logout itself ends it its own way."""

    MARK = "familyapp_signed_out"

    def test_log_ud_tapped_offline_signs_out_at_the_next_contact(self, client, world, login):
        from familyapp.audit import AuditEvent

        login(world.parent_a)
        assert client.get(f"/families/{world.family_a.id}/").status_code == 200
        client.set_cookie(self.MARK, "1")
        page = client.get(f"/families/{world.family_a.id}/")
        assert page.status_code == 302 and "/auth/login" in page.location
        assert db.session.query(UserSession).filter_by(user_id=world.parent_a.id).count() == 0
        assert page.headers["Clear-Site-Data"] == '"cache"' and page.headers["X-Offline-User"] == "-"
        assert client.get_cookie(self.MARK) is None  # told once
        events = db.session.query(AuditEvent).filter_by(action="user.signed_out", actor_id=world.parent_a.id).all()
        assert len(events) == 1 and events[0].data == {"on_phone": True}
        # Still signed out afterwards: the next person on the phone starts from the sign-in page.
        assert client.get(f"/families/{world.family_a.id}/").status_code == 302

    def test_an_answer_sent_from_the_outbox_is_the_next_contact_too_and_is_kept(self, client, world, login):
        login(world.parent_a)
        url = _answer_url(world)
        client.set_cookie(self.MARK, "1")
        response = client.post(url, data=fill((5, 5, 5, 5)), headers=OUTBOX)
        assert response.status_code == 401 and response.get_json() == {"signin": True}
        assert db.session.query(UserSession).filter_by(user_id=world.parent_a.id).count() == 0

    def test_the_logout_itself_ends_the_session_as_always(self, client, world, login):
        login(world.parent_a)
        client.set_cookie(self.MARK, "1")
        response = client.post("/auth/logout")
        assert response.status_code == 302 and "signed_out=1" in response.location
        assert db.session.query(UserSession).filter_by(user_id=world.parent_a.id).count() == 0
        assert client.get_cookie(self.MARK) is None


class TestNeverUnderAnotherPerson:
    def test_an_answer_waiting_on_a_shared_phone_is_never_sent_under_the_next_person(self, app, client, world, login):
        from familyapp.pwa.views import offline_key
        from familyapp.scales.models import ScaleResponse

        with app.app_context():
            writer = offline_key(world.parent_a)
        url = _answer_url(world)
        before = db.session.query(ScaleResponse).count()
        login(world.parent_a2)  # the next person signed in on the phone
        response = client.post(url, data=fill((5, 5, 5, 5)), headers={**OUTBOX, "X-Offline-User": writer})
        assert response.status_code == 401 and response.get_json() == {"signin": True}
        assert "Clear-Site-Data" not in response.headers  # the next person's own pages stay
        assert db.session.query(ScaleResponse).count() == before
        # Nor under a professional signed in on the phone (the outbox is a family member's).
        login(world.consultant_a)
        response = client.post(url, data=fill((5, 5, 5, 5)), headers={**OUTBOX, "X-Offline-User": writer})
        assert response.status_code == 401 and db.session.query(ScaleResponse).count() == before
        # The person who wrote it, after signing in: sent.
        login(world.parent_a)
        response = client.post(url, data=fill((5, 5, 5, 5)), headers={**OUTBOX, "X-Offline-User": writer})
        assert response.status_code == 200 and response.get_json()["sent"] is True


def test_log_ud_after_the_phone_already_signed_out_shows_the_sign_in_page(app, client, world, login, monkeypatch):
    """The phone's note can reach the server first (a request of the service worker's): the sign-out that follows,
    with the ended session's token, is simply done, not "the page had expired"."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login(world.parent_a)
    _ended_elsewhere(world.parent_a)
    response = client.post("/auth/logout", data={"csrf_token": "from-the-ended-session"})
    assert response.status_code == 302 and "signed_out=1" in response.location
    # Signed in, a sign-out without a valid token is still refused.
    login(world.parent_a)
    assert client.post("/auth/logout", data={"csrf_token": "forged"}).status_code == 400
