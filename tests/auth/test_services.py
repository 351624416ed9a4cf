"""Account services: logins, one-time activations (only hashes kept, one answer for every unusable one),
passkeys stored, renamed and removed (never the last), and what each change audits."""

from __future__ import annotations

import os
from dataclasses import fields
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import current_app
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth import services
from familyapp.auth.models import Activation, Role, UserSession
from familyapp.auth.webauthn import NewCredential


@pytest.fixture()
def a(ctx, world):
    """The world's objects in this test's session."""
    return SimpleNamespace(**{f.name: db.session.merge(getattr(world, f.name), load=False) for f in fields(world)})


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)))


def credential(**changes) -> NewCredential:
    values = {
        "credential_id": os.urandom(32),
        "public_key": b"public key",
        "sign_count": 0,
        "backed_up": True,
        "transports": ["internal"],
    }
    return NewCredential(**{**values, **changes})


def session_of(user) -> UserSession:
    row = UserSession(id=os.urandom(16).hex(), user_id=user.id, last_seen_at=db.utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def sessions_of(user) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id))


@pytest.mark.parametrize("typed", ["acde-fghj", " ACDE FGHJ ", "AcDe–FgHj", "ACDEFGHJ"])
def test_a_code_is_read_however_it_is_typed(typed):
    assert services.normalise_code(typed) == "ACDEFGHJ"


def test_a_code_is_shown_in_two_groups_of_four():
    assert services.format_code("ACDEFGHJ") == "ACDE-FGHJ"


def test_a_new_login_has_a_trimmed_name_its_own_handle_and_no_empty_phone(a):
    one = services.create_user(Role.CONSULTANT, "  Per Konsulent ", actor=a.admin, phone="")
    two = services.create_user(Role.CONSULTANT, "Per Konsulent", actor=a.admin)
    assert one.name == "Per Konsulent" and one.phone is None and one.active
    assert len(one.webauthn_handle) == 64 and one.webauthn_handle != two.webauthn_handle
    event = events("user.created")[-2]
    assert (event.actor_id, event.object_id, event.data) == (a.admin.id, str(one.id), {"role": "consultant"})


def test_an_activation_keeps_only_hashes_of_its_secrets(a):
    activation, token, code = services.issue_activation(a.parent_a, actor=a.consultant_a, family=a.family_a)
    assert activation.token_hash == db.secret_hash(token) and activation.code_hash == db.secret_hash(code)
    assert len(code) == services.CODE_LENGTH and set(code) <= set(services.CODE_ALPHABET)
    assert activation.expires_at == activation.created_at + current_app.config["ACTIVATION_LIFETIME"]
    assert activation.issued_by_id == a.consultant_a.id
    event = events("activation.issued")[-1]
    assert event.family_id == a.family_a.id and event.data == {"recovery": False}


def test_the_link_and_the_code_lead_to_the_same_activation(a):
    activation, token, code = services.issue_activation(a.parent_a, actor=None)
    assert services.activation_by_token(token) is activation
    assert services.activation_by_code(services.format_code(code).lower()) is activation
    assert services.activation_by_id(activation.id) is activation


def test_a_new_activation_stops_the_earlier_ones_of_that_login_only(a):
    old, old_token, _ = services.issue_activation(a.parent_a, actor=None)
    other, other_token, _ = services.issue_activation(a.parent_b, actor=None)
    services.issue_activation(a.parent_a, actor=None)
    db.session.expire_all()
    assert db.session.get(Activation, old.id).revoked_at is not None
    assert db.session.get(Activation, other.id).revoked_at is None
    with pytest.raises(services.ActivationError):
        services.activation_by_token(old_token)
    assert services.activation_by_token(other_token).id == other.id


def test_an_activation_stops_working_the_moment_it_expires(a):
    activation, token, _ = services.issue_activation(a.parent_a, actor=None)
    assert services.activation_by_token(token, now=activation.expires_at - timedelta(seconds=1)) is activation
    with pytest.raises(services.ActivationError):
        services.activation_by_token(token, now=activation.expires_at)


def test_a_used_activation_gives_the_same_error_as_an_unknown_one(a):
    activation, token, code = services.issue_activation(a.parent_a, actor=None)
    services.spend_activation(activation)
    for attempt in (
        lambda: services.activation_by_token(token),
        lambda: services.activation_by_code(code),
        lambda: services.activation_by_id(activation.id),
        lambda: services.activation_by_token("no-such-link"),
        lambda: services.activation_by_id(None),
    ):
        with pytest.raises(services.ActivationError) as caught:
            attempt()
        assert caught.value.key == "activation_invalid"


@pytest.mark.parametrize("code", ["", "ACDE", "ACDEFGHJK", "A" * 5000])
def test_a_code_of_the_wrong_length_is_refused_without_asking_the_database(a, count_queries, code):
    with count_queries() as q, pytest.raises(services.ActivationError):
        services.activation_by_code(code)
    assert q == []


def test_a_replaced_activation_cannot_be_spent(a):
    old, _token, _code = services.issue_activation(a.parent_a, actor=None)
    services.issue_activation(a.parent_a, actor=None)
    with pytest.raises(services.ActivationError):
        services.spend_activation(old)
    assert db.session.scalar(select(Activation.used_at).where(Activation.id == old.id)) is None


def test_an_activation_for_a_login_with_a_passkey_is_a_recovery_that_ends_its_sessions(a):
    services.add_passkey(a.parent_a, credential(), "Telefon")
    session_of(a.parent_a)
    session_of(a.parent_b)
    services.issue_activation(a.parent_a, actor=a.consultant_a)
    assert sessions_of(a.parent_a) == 0 and sessions_of(a.parent_b) == 1
    assert events("activation.issued")[-1].data == {"recovery": True}


def test_a_first_activation_leaves_the_sessions_alone(a):
    session_of(a.parent_a)
    services.issue_activation(a.parent_a, actor=a.consultant_a)
    assert sessions_of(a.parent_a) == 1


def test_adding_a_passkey_stores_it_spends_the_activation_and_is_audited(a):
    activation, _token, _code = services.issue_activation(a.parent_a, actor=None)
    new = credential(sign_count=5, transports=["internal", "hybrid"])
    passkey = services.add_passkey(a.parent_a, new, "  Min telefon  ", activation=activation)
    assert (passkey.credential_id, passkey.public_key, passkey.sign_count) == (new.credential_id, b"public key", 5)
    assert passkey.label == "Min telefon" and passkey.transports == ["internal", "hybrid"] and passkey.backed_up
    assert activation.used_at is not None
    event = events("passkey.added")[-1]
    assert (event.actor_id, event.object_id) == (a.parent_a.id, str(passkey.id))


@pytest.mark.parametrize(("label", "stored"), [("   ", "Adgangsnøgle"), ("x" * 150, "x" * 100)])
def test_a_passkey_always_has_a_name_of_at_most_100_characters(a, label, stored):
    assert services.add_passkey(a.parent_a, credential(), label).label == stored


def test_the_same_credential_twice_is_refused_and_the_activation_is_not_spent(a):
    first = credential()
    services.add_passkey(a.parent_a, first, "Telefon")
    activation, _token, _code = services.issue_activation(a.parent_b, actor=None)
    with pytest.raises(services.PasskeyError) as caught:
        services.add_passkey(a.parent_b, first, "Telefon", activation=activation)
    assert caught.value.key == "passkey_duplicate"
    assert activation.used_at is None and not services.has_passkeys(a.parent_b)


def test_which_logins_have_passkeys_is_one_query(a, count_queries):
    services.add_passkey(a.parent_a, credential(), "Telefon")
    services.add_passkey(a.parent_a, credential(), "Tablet")
    services.add_passkey(a.consultant_a, credential(), "Telefon")
    db.session.flush()
    with count_queries() as q:
        found = services.with_passkeys({a.parent_a.id, a.parent_a2.id, a.consultant_a.id})
    assert len(q) == 1 and found == {a.parent_a.id, a.consultant_a.id}


def test_asking_about_no_logins_asks_the_database_nothing(a, count_queries):
    with count_queries() as q:
        assert services.with_passkeys(set()) == set()
    assert q == []


def test_a_sign_in_keeps_the_counter_and_the_time_and_is_audited(a):
    passkey = services.add_passkey(a.parent_a, credential(), "Telefon")
    services.record_sign_in(a.parent_a, passkey, 7)
    db.session.flush()
    assert passkey.sign_count == 7 and passkey.last_used_at is not None
    assert events("user.signed_in")[-1].object_id == str(passkey.id)


def test_a_person_lists_and_finds_only_their_own_passkeys_oldest_first(a):
    first = services.add_passkey(a.parent_a, credential(), "Først")
    second = services.add_passkey(a.parent_a, credential(), "Siden")
    theirs = services.add_passkey(a.parent_b, credential(), "Andens")
    assert services.list_passkeys(a.parent_a) == [first, second]
    assert services.get_own_passkey(a.parent_a, first.id) is first
    assert services.get_own_passkey(a.parent_a, theirs.id) is None
    assert services.passkey_by_credential_id(theirs.credential_id) is theirs
    assert services.passkey_by_credential_id(b"unknown") is None


def test_renaming_a_passkey_trims_the_name_and_is_audited(a):
    passkey = services.add_passkey(a.parent_a, credential(), "Telefon")
    services.rename_passkey(passkey, "  Gammel telefon ", actor=a.parent_a)
    assert passkey.label == "Gammel telefon"
    assert events("passkey.renamed")[-1].object_id == str(passkey.id)


def test_the_last_passkey_cannot_be_removed(a):
    passkey = services.add_passkey(a.parent_a, credential(), "Telefon")
    with pytest.raises(services.PasskeyError) as caught:
        services.remove_passkey(passkey, actor=a.parent_a)
    assert caught.value.key == "passkey_last"
    assert services.list_passkeys(a.parent_a) == [passkey] and events("passkey.removed") == []


def test_removing_one_of_two_passkeys_is_audited_and_the_others_passkeys_do_not_count(a):
    services.add_passkey(a.parent_b, credential(), "Andens")
    keep = services.add_passkey(a.parent_a, credential(), "Ny")
    old = services.add_passkey(a.parent_a, credential(), "Gammel")
    services.remove_passkey(old, actor=a.parent_a)
    assert services.list_passkeys(a.parent_a) == [keep]
    assert events("passkey.removed")[-1].object_id == str(old.id)
    with pytest.raises(services.PasskeyError):
        services.remove_passkey(keep, actor=a.parent_a)


def test_the_activation_page_shows_the_link_on_the_public_origin_the_code_in_groups_and_a_qr_code(a):
    shown = services.activation_display("secret-token", "ACDEFGHJ")
    assert shown["url"].startswith("http://localhost:5000/") and shown["url"].endswith("/secret-token")
    assert shown["code"] == "ACDE-FGHJ"
    assert shown["qr"].startswith("<svg") and shown["qr"] != services.qr_svg(shown["url"] + "x")
