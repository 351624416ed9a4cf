"""Lost phones, shared phones, proxies and probing: the rules that keep an account with its owner."""

from __future__ import annotations

from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth.models import Activation, Passkey, UserSession
from familyapp.i18n import safe_next
from tests.auth.helpers import new_activation, register, sign_in
from tests.factories import COOKIE
from tests.fake_authenticator import SoftAuthenticator


def _enrol(app, client, user, authenticator=None):
    authenticator = authenticator or SoftAuthenticator()
    token, _ = new_activation(app, user)
    client.get(f"/auth/activate/{token}")
    assert register(client, authenticator).status_code == 200
    return authenticator


def _home(world):
    return f"/families/{world.family_a.id}/"


def test_successful_sign_ins_never_lock_anyone_out(app, client, world):
    phone = _enrol(app, client, world.parent_a)
    for _ in range(app.config["RATE_LIMIT_ATTEMPTS"] + 3):
        client.post("/auth/logout")
        assert sign_in(client, phone).status_code == 200


def test_failures_are_counted_per_credential_too(app, client, world):
    phone = _enrol(app, client, world.parent_a)
    client.post("/auth/logout")
    for i in range(app.config["RATE_LIMIT_ATTEMPTS"]):
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{i}"  # a different address each time
        options = client.post("/auth/login/begin").get_json()
        credential = phone.get(options)
        credential["response"]["signature"] = credential["response"]["signature"][::-1]
        client.post("/auth/login/finish", json={"credential": credential})
    client.environ_base["REMOTE_ADDR"] = "10.0.1.1"
    assert sign_in(client, phone).status_code == 429
    assert sign_in(client, _enrol(app, client, world.parent_b)).status_code == 200  # other passkeys are not affected


def test_thief_signed_in_again_is_signed_out_when_the_owner_recovers(app, client, world):
    stolen = _enrol(app, client, world.parent_a)
    token, _ = new_activation(app, world.parent_a)  # the consultant's recovery activation
    thief = app.test_client()
    assert sign_in(thief, stolen).status_code == 200  # the thief signs in again in between
    assert thief.get(_home(world)).status_code == 200
    owner = app.test_client()
    owner.get(f"/auth/activate/{token}")
    assert register(owner, SoftAuthenticator()).get_json()["redirect"] == "/auth/passkeys"
    assert thief.get(_home(world)).status_code == 302
    assert owner.get(_home(world)).status_code == 200


def test_removing_a_passkey_ends_every_other_session(app, client, world):
    old_phone = _enrol(app, client, world.parent_a)
    _enrol(app, client, world.parent_a)
    thief = app.test_client()
    assert sign_in(thief, old_phone).status_code == 200
    old = db.session.scalar(select(Passkey).where(Passkey.user_id == world.parent_a.id).order_by(Passkey.created_at))
    assert client.post(f"/auth/passkeys/{old.id}/delete").status_code == 302
    assert thief.get(_home(world)).status_code == 302
    assert client.get(_home(world)).status_code == 200


def test_sign_in_starts_from_a_clean_session(app, client, world):
    phone = _enrol(app, client, world.parent_a)
    client.post("/auth/logout")
    client.post("/language", data={"language": "da"})
    token, _ = new_activation(app, world.parent_b)
    client.get(f"/auth/activate/{token}")  # someone else's activation was opened on this phone
    assert sign_in(client, phone).status_code == 200
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == world.parent_a.id))
    assert "activation_id" not in row.data and row.data["language"] == "da"


def test_sign_out_with_a_language_gets_a_new_session_id(client, world, login):
    login(world.parent_a)
    client.post("/language", data={"language": "da"})
    before = client.get_cookie(COOKIE).value
    client.post("/auth/logout")
    assert client.get_cookie(COOKIE).value != before


def test_next_with_hidden_characters_is_not_followed():
    for bad in ["/\t/evil.example", "/\n/evil.example", "/\\evil.example", "//evil.example", "https://evil.example"]:
        assert safe_next(bad, "/") == "/"
    assert safe_next("/auth/passkeys?x=1", "/") == "/auth/passkeys?x=1"


def test_probing_another_familys_ids_is_audited_without_the_id(client, world, login):
    login(world.consultant_b)
    assert client.get(f"/families/{world.family_a.id}/").status_code == 404
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied"))
    assert event.actor_id == world.consultant_b.id and event.data == {"endpoint": "overview.home"}
    assert str(world.family_a.id) not in str(event.data) and event.family_id is None


def test_admin_never_hands_out_a_family_login(app, client, world, login):
    _enrol(app, app.test_client(), world.parent_a)
    before = db.session.scalar(select(func.count()).select_from(Activation))
    login(world.admin)
    for person in (world.parent_a, world.parent_a2):  # a recovery and a first activation alike
        response = client.post(f"/families/{world.family_a.id}/people/{person.person_id}/activation")
        assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Activation)) == before
    # The family's primary consultant hands out a first activation at once.
    login(world.consultant_a)
    response = client.post(f"/families/{world.family_a.id}/people/{world.parent_a2.person_id}/activation")
    assert response.status_code == 200 and "/auth/activate/" in response.get_data(as_text=True)


def test_audit_rows_cannot_be_changed(client, world, login):
    import pytest

    login(world.consultant_a)
    client.get(_home(world))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "family.viewed"))
    event.action = "nothing.happened"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "nothing.happened")) == 0
