"""A fresh passkey confirmation before a sensitive step: the signed-in person's own passkey, checked by the real
py_webauthn verification with a software authenticator; it counts once, for two minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.auth.models import UserSession
from tests.auth.helpers import new_activation, register
from tests.fake_authenticator import SoftAuthenticator


@pytest.fixture()
def jonas(app, client, world):
    """Parent A2 signed in with a registered passkey on a software authenticator; and parent A's, elsewhere."""
    phone = SoftAuthenticator()
    token, _code = new_activation(app, world.parent_a2)
    client.get(f"/auth/activate/{token}")
    assert register(client, phone).status_code == 200
    return phone


def confirm(client, authenticator):
    options = client.post("/auth/confirm/begin").get_json()
    return client.post("/auth/confirm/finish", json={"credential": authenticator.get(options)})


def session_data(user) -> dict:
    return db.session.scalar(select(UserSession.data).where(UserSession.user_id == user.id))


def test_the_own_passkey_confirms(client, world, jonas):
    response = confirm(client, jonas)
    assert response.status_code == 200 and response.get_json() == {"confirmed": True}
    assert "confirmed_at" in session_data(world.parent_a2)


def test_someone_elses_passkey_does_not(app, client, world, jonas):
    other = SoftAuthenticator()
    second = app.test_client()
    token, _code = new_activation(app, world.parent_a)
    second.get(f"/auth/activate/{token}")
    register(second, other)
    response = confirm(client, other)
    assert response.status_code == 400 and response.get_json()["key"] == "passkey_not_yours"
    assert "confirmed_at" not in session_data(world.parent_a2)


def test_a_replayed_confirmation_is_refused(client, world, jonas):
    options = client.post("/auth/confirm/begin").get_json()
    credential = jonas.get(options)
    assert client.post("/auth/confirm/finish", json={"credential": credential}).status_code == 200
    again = client.post("/auth/confirm/finish", json={"credential": credential})
    assert again.status_code == 400 and again.get_json()["key"] == "passkey_expired_prompt"


def test_a_confirmation_lets_a_consent_through_once(app, client, world, jonas):
    from familyapp.gate.models import ConsentRecord, ConsentRequest

    row = db.session.scalar(select(UserSession).where(UserSession.user_id == world.parent_a2.id))
    row.signed_in_at -= timedelta(hours=1)  # the sign-in itself is no longer fresh
    db.session.commit()
    request = db.session.scalar(select(ConsentRequest).where(ConsentRequest.family_id == world.family_a.id))
    url = f"/families/{world.family_a.id}/consent/requests/{request.id}"
    assert client.post(f"{url}/give").location.startswith("/auth/login")
    confirm(client, jonas)
    assert "/consent/records/" in client.post(f"{url}/give").location
    record = db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.at.desc())).first()
    assert record.user_id == world.parent_a2.id and record.confirmed_by == "passkey"
    assert client.post(f"{url}/withdraw").location.startswith("/auth/login")  # used up


def test_anonymous_cannot_confirm(app):
    fresh = app.test_client()
    assert fresh.post("/auth/confirm/begin").status_code == 302
