"""Mine adgangsnøgler: list, rename, remove; someone else's passkey is a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.auth.models import Passkey, UserSession
from tests.auth.helpers import new_activation, register


@pytest.fixture()
def two_passkeys(app, client, world):
    for label in ("Gammel telefon", "Ny telefon"):
        token, _ = new_activation(app, world.parent_a)
        client.get(f"/auth/activate/{token}")
        from tests.fake_authenticator import SoftAuthenticator

        assert register(client, SoftAuthenticator(), label).status_code == 200
    return list(
        db.session.scalars(select(Passkey).where(Passkey.user_id == world.parent_a.id).order_by(Passkey.created_at))
    )


def test_list_shows_names(client, two_passkeys):
    page = client.get("/auth/passkeys").get_data(as_text=True)
    assert "Gammel telefon" in page and "Ny telefon" in page


def test_after_a_recovery_activation_the_person_lands_on_their_passkeys(app, client, world):
    from tests.fake_authenticator import SoftAuthenticator

    token, _ = new_activation(app, world.parent_a)
    client.get(f"/auth/activate/{token}")
    assert register(client, SoftAuthenticator()).get_json()["redirect"] == "/"
    token, _ = new_activation(app, world.parent_a)
    client.get(f"/auth/activate/{token}")
    assert register(client, SoftAuthenticator()).get_json()["redirect"] == "/auth/passkeys"


def test_rename(client, two_passkeys):
    old = two_passkeys[0]
    response = client.post(f"/auth/passkeys/{old.id}/rename", data={f"{old.id}-label": "Mistet telefon"})
    assert response.status_code == 302
    assert db.session.get(Passkey, old.id).label == "Mistet telefon"


def test_rename_with_bad_input_keeps_the_text(client, two_passkeys):
    old = two_passkeys[0]
    response = client.post(f"/auth/passkeys/{old.id}/rename", data={f"{old.id}-label": "x" * 150})
    assert response.status_code == 400
    assert "At most 100 characters" in response.get_data(as_text=True)
    assert "x" * 150 in response.get_data(as_text=True)
    assert db.session.get(Passkey, old.id).label == "Gammel telefon"


def test_remove_the_old_phone(client, two_passkeys):
    old = two_passkeys[0]
    assert client.post(f"/auth/passkeys/{old.id}/delete").status_code == 302
    assert db.session.get(Passkey, old.id) is None


def test_the_last_passkey_stays(client, two_passkeys):
    client.post(f"/auth/passkeys/{two_passkeys[0].id}/delete")
    last = two_passkeys[1]
    client.post(f"/auth/passkeys/{last.id}/delete")
    assert db.session.get(Passkey, last.id) is not None


def test_removing_needs_a_recent_sign_in(app, client, world, two_passkeys):
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == world.parent_a.id))
    row.signed_in_at -= app.config["RECENT_SIGNIN"] + timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/auth/passkeys/{two_passkeys[0].id}/delete", data={"next": "/auth/passkeys"})
    assert response.status_code == 302 and "/auth/login?next=/auth/passkeys" in response.location
    assert db.session.get(Passkey, two_passkeys[0].id) is not None


def test_someone_elses_passkey_is_a_404(app, client, world, two_passkeys, login):
    other = app.test_client()
    from tests.factories import sign_in

    sign_in(other, world.parent_b)
    target = two_passkeys[0].id
    assert other.post(f"/auth/passkeys/{target}/delete").status_code == 404
    assert other.post(f"/auth/passkeys/{target}/rename", data={f"{target}-label": "hacked"}).status_code == 404
    assert other.post("/auth/passkeys/not-a-uuid/delete").status_code == 404
    assert db.session.get(Passkey, target).label == "Gammel telefon"
