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
