"""The language switch (POST /language): kept for this browser and, for a signed-in person, on their login (audited
once per change); an unknown language changes nothing, and ``next`` never leads to another site."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth.models import User


def _changes(user) -> list[dict]:
    stmt = select(AuditEvent).where(AuditEvent.action == "user.language_changed", AuditEvent.actor_id == user.id)
    return [event.data for event in db.session.scalars(stmt)]


def test_switch_is_saved_on_the_user(client, world, login):
    login(world.parent_a)
    response = client.post("/language", data={"language": "en", "next": f"/families/{world.family_a.id}/"})
    assert response.location.endswith(f"/families/{world.family_a.id}/")
    assert db.session.get(User, world.parent_a.id).language == "en"
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "da"
    assert '<html lang="en" dir="ltr">' in client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
    client.post("/language", data={"language": "da"})
    page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
    assert '<html lang="da" dir="ltr">' in page and "Hej, Sara" in page


def test_anonymous_switch_and_unsafe_next(client, world):
    response = client.post("/language", data={"language": "da", "next": "//evil.example/"})
    assert response.location == "/"
    assert "Log ind" in client.get("/auth/login").get_data(as_text=True)
    client.post("/language", data={"language": "xx"})
    assert "Log ind" in client.get("/auth/login").get_data(as_text=True)


def test_an_unknown_language_changes_nothing(client, world, login):
    login(world.parent_a)
    client.post("/language", data={"language": "en"})
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = client.post("/language", data={"language": "xx", "next": "/auth/passkeys"})
    assert response.status_code == 302 and response.location == "/auth/passkeys"
    assert db.session.get(User, world.parent_a.id).language == "en"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    with client.session_transaction() as session:
        assert session["language"] == "en"


def test_a_signed_in_choice_is_audited_once_and_not_again_when_unchanged(client, world, login):
    login(world.parent_a)
    client.post("/language", data={"language": "en"})
    assert _changes(world.parent_a) == [{"language": "en"}]
    client.post("/language", data={"language": "en"})
    assert _changes(world.parent_a) == [{"language": "en"}]
    client.post("/language", data={"language": "da"})
    assert _changes(world.parent_a) == [{"language": "en"}, {"language": "da"}]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.language_changed"))
    assert event.object_id == str(world.parent_a.id)


def test_an_anonymous_choice_is_kept_for_the_browser_only(client, world):
    client.post("/language", data={"language": "en"})
    with client.session_transaction() as session:
        assert session["language"] == "en"
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "user.language_changed")) == 0


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/\t/evil.example", "families"]
)
def test_next_to_another_site_is_refused(client, world, target):
    response = client.post("/language", data={"language": "en", "next": target})
    assert response.status_code == 302 and response.location == "/"


def test_next_on_this_site_is_followed(client, world):
    response = client.post("/language", data={"language": "en", "next": "/auth/login?x=1"})
    assert response.location == "/auth/login?x=1"
