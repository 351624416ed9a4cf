"""Activation, passkey registration and sign-in through the real server ceremony (software authenticator)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from webauthn.helpers import base64url_to_bytes

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth.models import Activation, Passkey
from tests.auth.helpers import new_activation, register, sign_in
from tests.fake_authenticator import SoftAuthenticator


@pytest.fixture()
def phone():
    return SoftAuthenticator()


def passkey_count(user) -> int:
    return db.session.scalar(select(func.count()).where(Passkey.user_id == user.id))


class TestActivation:
    def test_link_leads_to_registration_and_sign_in(self, app, client, world, phone):
        token, _code = new_activation(app, world.parent_a)
        response = client.get(f"/auth/activate/{token}")
        assert response.status_code == 302 and response.location.endswith("/auth/activate/register")
        assert "Sara A" in client.get("/auth/activate/register").get_data(as_text=True)
        response = register(client, phone, "Min Android")
        assert response.status_code == 200
        assert response.get_json()["redirect"] == "/"
        assert passkey_count(world.parent_a) == 1
        assert client.get("/").location.endswith(f"/families/{world.family_a.id}/")
        home = client.get(f"/families/{world.family_a.id}/")
        assert home.status_code == 200

    def test_code_is_forgiving_about_case_spaces_and_dashes(self, app, client, world, phone):
        _token, code = new_activation(app, world.parent_a)
        typed = f" {code[:4].lower()} {code[4:].lower()} "
        response = client.post("/auth/activate", data={"code": typed})
        assert response.status_code == 302 and response.location.endswith("/auth/activate/register")
        assert register(client, phone).status_code == 200

    def test_activation_is_single_use(self, app, client, world, phone):
        token, code = new_activation(app, world.parent_a)
        client.get(f"/auth/activate/{token}")
        register(client, phone)
        other = app.test_client()
        other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        response = other.get(f"/auth/activate/{token}")
        assert response.status_code == 404
        assert "cannot be used" in response.get_data(as_text=True)
        response = other.post("/auth/activate", data={"code": code})
        assert response.status_code == 200 and "cannot be used" in response.get_data(as_text=True)
        assert f'value="{code}"' in response.get_data(as_text=True)  # what was typed is kept

    def test_expired_activation(self, app, client, world):
        token, _code = new_activation(app, world.parent_a)
        activation = db.session.scalar(select(Activation).where(Activation.user_id == world.parent_a.id))
        activation.expires_at = db.utcnow() - timedelta(minutes=1)
        db.session.commit()
        response = client.get(f"/auth/activate/{token}")
        assert response.status_code == 404 and "cannot be used" in response.get_data(as_text=True)

    def test_unknown_link_and_code(self, client, world):
        assert client.get("/auth/activate/nonsense").status_code == 404
        response = client.post("/auth/activate", data={"code": "AAAA-AAAA"})
        assert "cannot be used" in response.get_data(as_text=True)

    def test_empty_and_overlong_codes_get_messages(self, client, world):
        assert "Type the code" in client.post("/auth/activate", data={"code": ""}).get_data(as_text=True)
        response = client.post("/auth/activate", data={"code": "x" * 5000})
        assert response.status_code == 200 and "error-text" in response.get_data(as_text=True)

    def test_new_activation_replaces_the_old_one(self, app, client, world):
        first, _ = new_activation(app, world.parent_a)
        second, _ = new_activation(app, world.parent_a)
        assert client.get(f"/auth/activate/{first}").status_code == 404
        assert client.get(f"/auth/activate/{second}").status_code == 302

    def test_registration_without_activation_is_refused(self, client, world, phone):
        assert client.get("/auth/activate/register").status_code == 302
        response = client.post("/auth/activate/register/begin")
        assert response.status_code == 400 and response.get_json()["key"] == "activation_needed"

    def test_code_guessing_is_rate_limited(self, app, client, world):
        statuses = [client.post("/auth/activate", data={"code": "AAAA-AAAA"}) for _ in range(12)]
        assert "Too many attempts" in statuses[-1].get_data(as_text=True)
        assert "Too many attempts" not in statuses[0].get_data(as_text=True)


class TestRegistrationRejections:
    def test_tampered_response_is_rejected_and_nothing_saved(self, app, client, world, phone):
        token, _ = new_activation(app, world.parent_a)
        client.get(f"/auth/activate/{token}")
        options = client.post("/auth/activate/register/begin").get_json()
        credential = phone.create(options)
        credential["response"]["clientDataJSON"] = credential["response"]["clientDataJSON"][:-4] + "AAAA"
        response = client.post("/auth/activate/register/finish", json={"credential": credential, "label": "x"})
        assert response.status_code == 400 and response.get_json()["key"] == "passkey_rejected"
        assert passkey_count(world.parent_a) == 0
        # The activation still works for a real try.
        assert register(client, phone).status_code == 200

    def test_replayed_finish_is_rejected(self, app, client, world, phone):
        token, _ = new_activation(app, world.parent_a)
        client.get(f"/auth/activate/{token}")
        options = client.post("/auth/activate/register/begin").get_json()
        credential = phone.create(options)
        assert client.post("/auth/activate/register/finish", json={"credential": credential}).status_code == 200
        again = client.post("/auth/activate/register/finish", json={"credential": credential})
        assert again.status_code == 400
        assert passkey_count(world.parent_a) == 1

    def test_user_verification_is_required(self, app, client, world, phone):
        token, _ = new_activation(app, world.parent_a)
        client.get(f"/auth/activate/{token}")
        response = register(client, phone, user_verified=False)
        assert response.status_code == 400
        assert passkey_count(world.parent_a) == 0

    def test_same_authenticator_twice_is_a_clear_conflict(self, app, client, world, phone):
        token, _ = new_activation(app, world.parent_a)
        client.get(f"/auth/activate/{token}")
        options = client.post("/auth/activate/register/begin").get_json()
        credential = phone.create(options)
        client.post("/auth/activate/register/finish", json={"credential": credential})
        token, _ = new_activation(app, world.parent_a)
        client.get(f"/auth/activate/{token}")
        options = client.post("/auth/activate/register/begin").get_json()
        assert options["excludeCredentials"][0]["id"] == credential["rawId"]
        # A misbehaving authenticator that ignores excludeCredentials and registers the same credential id:
        reused = phone.create(options, cred_id=base64url_to_bytes(credential["rawId"]))
        response = client.post("/auth/activate/register/finish", json={"credential": reused})
        assert response.status_code == 409 and response.get_json()["key"] == "passkey_duplicate"
        assert passkey_count(world.parent_a) == 1

    def test_odd_transports_are_ignored(self, app, client, world, phone):
        token, _ = new_activation(app, world.parent_a)
        client.get(f"/auth/activate/{token}")
        options = client.post("/auth/activate/register/begin").get_json()
        credential = phone.create(options)
        credential["response"]["transports"] = [["x"], "internal", 7]
        response = client.post("/auth/activate/register/finish", json={"credential": credential})
        assert response.status_code == 200
        assert db.session.scalar(select(Passkey.transports).where(Passkey.user_id == world.parent_a.id)) == ["internal"]

    def test_malformed_json(self, app, client, world):
        token, _ = new_activation(app, world.parent_a)
        client.get(f"/auth/activate/{token}")
        client.post("/auth/activate/register/begin")
        response = client.post("/auth/activate/register/finish", data="not json", content_type="application/json")
        assert response.status_code == 400


class TestSignIn:
    @pytest.fixture()
    def enrolled(self, app, client, world, phone):
        token, _ = new_activation(app, world.parent_a)
        client.get(f"/auth/activate/{token}")
        register(client, phone)
        client.post("/auth/logout")
        return phone

    def test_sign_in_with_passkey(self, client, world, enrolled):
        response = sign_in(client, enrolled)
        assert response.status_code == 200 and response.get_json()["redirect"] == "/"
        assert client.get(f"/families/{world.family_a.id}/").status_code == 200
        events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == world.parent_a.id)).all()
        assert "user.signed_in" in events

    def test_next_is_followed_only_when_local(self, client, world, enrolled):
        options = client.post("/auth/login/begin").get_json()
        response = client.post(
            "/auth/login/finish?next=https://evil.example/", json={"credential": enrolled.get(options)}
        )
        assert response.get_json()["redirect"] == "/"
        client.post("/auth/logout")
        options = client.post("/auth/login/begin").get_json()
        response = client.post("/auth/login/finish?next=/auth/passkeys", json={"credential": enrolled.get(options)})
        assert response.get_json()["redirect"] == "/auth/passkeys"

    def test_replayed_assertion_is_rejected(self, client, world, enrolled):
        options = client.post("/auth/login/begin").get_json()
        credential = enrolled.get(options)
        assert client.post("/auth/login/finish", json={"credential": credential}).status_code == 200
        client.post("/auth/logout")
        replay = client.post("/auth/login/finish", json={"credential": credential})
        assert replay.status_code == 400
        assert client.get(f"/families/{world.family_a.id}/").status_code == 302

    def test_wrong_signature_is_rejected(self, client, world, enrolled):
        options = client.post("/auth/login/begin").get_json()
        credential = enrolled.get(options)
        credential["response"]["signature"] = credential["response"]["signature"][::-1]
        response = client.post("/auth/login/finish", json={"credential": credential})
        assert response.status_code == 400 and response.get_json()["key"] == "passkey_rejected"

    def test_counter_going_backwards_is_rejected(self, client, world, enrolled):
        assert sign_in(client, enrolled, count_step=5).status_code == 200
        client.post("/auth/logout")
        assert sign_in(client, enrolled, count_step=-3).status_code == 400

    def test_unknown_passkey(self, client, world):
        stranger = SoftAuthenticator()
        stranger.create({"user": {"id": "AAAA"}, "challenge": "AAAA"})
        response = sign_in(client, stranger)
        assert response.status_code == 400 and response.get_json()["key"] == "passkey_unknown"

    def test_finish_without_begin(self, client, world, enrolled):
        credential = enrolled.get({"challenge": "bm90LWlzc3VlZC1oZXJl"})  # a challenge the server never issued
        response = client.post("/auth/login/finish", json={"credential": credential})
        assert response.status_code == 400 and response.get_json()["key"] == "passkey_expired_prompt"

    @pytest.mark.parametrize(
        "body",
        [{}, {"credential": {}}, {"credential": {"rawId": "AA", "response": "x"}}, [], "x", {"credential": []}],
    )
    def test_malformed_bodies_are_a_400(self, client, world, body):
        response = client.post("/auth/login/finish", json=body)
        assert response.status_code == 400 and response.get_json()["key"] == "passkey_rejected"

    def test_two_pending_prompts_both_work_once(self, client, world, enrolled):
        """Autofill asks first, then the person taps the button: the answer to either challenge is accepted."""
        autofill = client.post("/auth/login/begin").get_json()
        button = client.post("/auth/login/begin").get_json()
        assert client.post("/auth/login/finish", json={"credential": enrolled.get(autofill)}).status_code == 200
        client.post("/auth/logout")
        # A new session after sign-out: the old pending challenges are gone with the old session.
        assert client.post("/auth/login/finish", json={"credential": enrolled.get(button)}).status_code == 400

    def test_inactive_user_cannot_sign_in(self, client, world, enrolled):
        world.parent_a = db.session.merge(world.parent_a)
        world.parent_a.active = False
        db.session.commit()
        assert sign_in(client, enrolled).status_code == 403

    def test_sign_in_is_rate_limited(self, client, world):
        responses = [client.post("/auth/login/finish", json={}) for _ in range(12)]
        assert responses[-1].status_code == 429
        assert responses[0].status_code == 400


class TestBindings:
    def test_activation_is_spent_atomically(self, app, ctx, world):
        from familyapp.auth.services import ActivationError, issue_activation, spend_activation

        activation, _t, _c = issue_activation(db.session.merge(world.parent_a), actor=None)
        stale = Activation(id=activation.id)  # what a second tab loaded before the first one finished
        spend_activation(activation)
        with pytest.raises(ActivationError):
            spend_activation(stale)

    def test_second_tab_cannot_finish_with_a_spent_activation(self, app, client, world, phone):
        token, _ = new_activation(app, world.parent_a)
        other = app.test_client()
        client.get(f"/auth/activate/{token}")
        other.get(f"/auth/activate/{token}")
        first = client.post("/auth/activate/register/begin").get_json()
        second = other.post("/auth/activate/register/begin").get_json()
        assert (
            client.post("/auth/activate/register/finish", json={"credential": phone.create(first)}).status_code == 200
        )
        late = other.post("/auth/activate/register/finish", json={"credential": SoftAuthenticator().create(second)})
        assert late.status_code == 400
        assert passkey_count(world.parent_a) == 1

    def test_user_handle_must_belong_to_the_passkeys_owner(self, app, client, world, phone):
        token, _ = new_activation(app, world.parent_a)
        client.get(f"/auth/activate/{token}")
        register(client, phone)
        client.post("/auth/logout")
        options = client.post("/auth/login/begin").get_json()
        credential = phone.get(options)
        credential["response"]["userHandle"] = "AAAAAAAAAAAAAAAAAAAAAA"
        response = client.post("/auth/login/finish", json={"credential": credential})
        assert response.status_code == 400 and response.get_json()["key"] == "passkey_rejected"
