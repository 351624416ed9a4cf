"""The passkey helpers on real py_webauthn, with genuine responses from the software authenticator: passkey-first
options, verification of registrations and sign-ins, and the readers of a browser's response, which answer bad
input with the module's own errors (or None), never the library's or Python's."""

from __future__ import annotations

import json
import os

import pytest
from webauthn.helpers import bytes_to_base64url

from familyapp.auth import webauthn as wa
from tests.fake_authenticator import SoftAuthenticator


@pytest.fixture()
def app_ctx(app):
    with app.app_context():
        yield app


def b64(data: bytes) -> str:
    return bytes_to_base64url(data)


def registered(authenticator: SoftAuthenticator, handle: bytes = b"handle") -> tuple[dict, str]:
    """A registration response to fresh options, and the challenge the server keeps."""
    options, challenge = wa.registration_options(user_handle=handle, user_name="sara", display_name="Sara", exclude=[])
    return authenticator.create(json.loads(options)), challenge


def signed_in(authenticator: SoftAuthenticator, cred_id: bytes | None = None) -> tuple[dict, str]:
    """A sign-in response to fresh options, and the challenge the server keeps."""
    options, challenge = wa.authentication_options()
    return authenticator.get(json.loads(options), cred_id), challenge


@pytest.fixture()
def phone(app_ctx) -> tuple[SoftAuthenticator, wa.NewCredential]:
    """An authenticator with one verified passkey."""
    authenticator = SoftAuthenticator()
    return authenticator, wa.verify_registration(*registered(authenticator))


def test_registration_asks_for_a_passkey_with_user_verification_for_this_site(app_ctx):
    handle, other = os.urandom(64), os.urandom(32)
    text, challenge = wa.registration_options(
        user_handle=handle, user_name="sara", display_name="Sara", exclude=[other]
    )
    options = json.loads(text)
    assert options["rp"] == {"id": "localhost", "name": app_ctx.config["WEBAUTHN_RP_NAME"]}
    assert options["user"]["id"] == b64(handle) and options["user"]["displayName"] == "Sara"
    selection = options["authenticatorSelection"]
    assert (selection["residentKey"], selection["userVerification"]) == ("required", "required")
    assert [c["id"] for c in options["excludeCredentials"]] == [b64(other)]
    assert options["challenge"] == challenge and options["timeout"] == wa.TIMEOUT_MS


def test_sign_in_needs_no_account_name_and_every_prompt_has_a_new_challenge(app_ctx):
    first, second = wa.authentication_options(), wa.authentication_options()
    options = json.loads(first[0])
    assert options["rpId"] == "localhost" and options["userVerification"] == "required"
    assert not options.get("allowCredentials")
    assert options["challenge"] == first[1] and first[1] != second[1]


def test_a_genuine_registration_gives_the_new_credential(app_ctx):
    authenticator = SoftAuthenticator()
    new = wa.verify_registration(*registered(authenticator))
    assert new.credential_id == next(iter(authenticator.credentials))
    assert new.public_key and new.sign_count == 0 and new.backed_up is False
    assert new.transports == ["internal"]


def test_only_transports_the_standard_knows_are_kept(app_ctx):
    credential, challenge = registered(SoftAuthenticator())
    credential["response"]["transports"] = ["usb", "carrier-pigeon", 7, None, "internal"]
    assert wa.verify_registration(credential, challenge).transports == ["usb", "internal"]


def test_a_registration_to_another_challenge_is_rejected(app_ctx):
    credential, _challenge = registered(SoftAuthenticator())
    with pytest.raises(wa.RegistrationRejected):
        wa.verify_registration(credential, wa.authentication_options()[1])


def test_a_registration_without_user_verification_is_rejected(app_ctx):
    options, challenge = wa.registration_options(user_handle=b"h", user_name="s", display_name="S", exclude=[])
    credential = SoftAuthenticator().create(json.loads(options), user_verified=False)
    with pytest.raises(wa.RegistrationRejected):
        wa.verify_registration(credential, challenge)


def test_a_registration_made_for_another_site_is_rejected(app_ctx):
    credential, challenge = registered(SoftAuthenticator(origin="https://evil.example"))
    with pytest.raises(wa.RegistrationRejected):
        wa.verify_registration(credential, challenge)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda c: c.clear(),
        lambda c: c["response"].pop("attestationObject"),
        lambda c: c["response"].update(attestationObject="!!!not base64!!!"),
        lambda c: c["response"].update(attestationObject=b64(b"not cbor")),
        lambda c: c["response"].update(clientDataJSON=7),
        lambda c: c.update(response=None),
    ],
)
def test_a_malformed_registration_is_the_modules_own_rejection(app_ctx, spoil):
    credential, challenge = registered(SoftAuthenticator())
    spoil(credential)
    with pytest.raises(wa.RegistrationRejected):
        wa.verify_registration(credential, challenge)


def test_a_genuine_sign_in_gives_the_new_counter(phone):
    authenticator, new = phone
    credential, challenge = signed_in(authenticator)
    assert wa.verify_authentication(credential, challenge, public_key=new.public_key, sign_count=0) == 1


def test_a_sign_in_signed_by_another_key_is_rejected(phone):
    authenticator, _new = phone
    other = wa.verify_registration(*registered(SoftAuthenticator()))
    credential, challenge = signed_in(authenticator)
    with pytest.raises(wa.AuthenticationRejected):
        wa.verify_authentication(credential, challenge, public_key=other.public_key, sign_count=0)


def test_a_counter_that_does_not_move_forward_is_rejected(phone):
    authenticator, new = phone
    credential, challenge = signed_in(authenticator)
    with pytest.raises(wa.AuthenticationRejected):
        wa.verify_authentication(credential, challenge, public_key=new.public_key, sign_count=5)


def test_a_sign_in_answering_another_prompt_is_rejected(phone):
    authenticator, new = phone
    credential, _challenge = signed_in(authenticator)
    with pytest.raises(wa.AuthenticationRejected):
        wa.verify_authentication(credential, wa.authentication_options()[1], public_key=new.public_key, sign_count=0)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda c: c.clear(),
        lambda c: c["response"].update(signature=b64(b"\x00" * 70)),
        lambda c: c["response"].update(authenticatorData="!"),
        lambda c: c["response"].pop("clientDataJSON"),
    ],
)
def test_a_malformed_or_tampered_sign_in_is_the_modules_own_rejection(phone, spoil):
    authenticator, new = phone
    credential, challenge = signed_in(authenticator)
    spoil(credential)
    with pytest.raises(wa.AuthenticationRejected):
        wa.verify_authentication(credential, challenge, public_key=new.public_key, sign_count=0)


def test_the_challenge_is_read_from_the_browsers_client_data(phone):
    authenticator, _new = phone
    credential, challenge = signed_in(authenticator)
    assert wa.challenge_in(credential) == challenge


@pytest.mark.parametrize(
    "credential",
    [
        None,
        [],
        "credential",
        {},
        {"response": None},
        {"response": {}},
        {"response": {"clientDataJSON": 7}},
        {"response": {"clientDataJSON": "A"}},
        {"response": {"clientDataJSON": b64(b"\xff\xfe not utf-8")}},
        {"response": {"clientDataJSON": b64(b"not json")}},
        {"response": {"clientDataJSON": b64(b'["challenge"]')}},
        {"response": {"clientDataJSON": b64(b'{"type": "webauthn.get"}')}},
        {"response": {"clientDataJSON": b64(b'{"challenge": 12345}')}},
        {"response": {"clientDataJSON": b64(b'{"challenge": ' + b"[" * 100 + b"]" * 100 + b"}")}},
    ],
)
def test_client_data_without_a_readable_challenge_gives_none(app_ctx, credential):
    assert wa.challenge_in(credential) is None


def test_the_credential_id_is_the_raw_id(app_ctx):
    raw = os.urandom(32)
    assert wa.credential_id_of({"rawId": b64(raw), "id": "something else"}) == raw


@pytest.mark.parametrize("credential", [{}, {"id": "AAAA"}, {"rawId": 12345}, {"rawId": "A"}, None, []])
def test_a_missing_or_malformed_credential_id_is_rejected(app_ctx, credential):
    with pytest.raises(wa.AuthenticationRejected):
        wa.credential_id_of(credential)


@pytest.mark.parametrize("credential", [{}, {"response": None}, {"response": {}}, {"response": {"userHandle": None}}])
def test_a_response_without_a_user_handle_is_left_to_the_signature(credential):
    assert wa.check_user_handle(credential, b"owner") is None


def test_the_user_handle_must_be_the_passkeys_owner(app_ctx):
    wa.check_user_handle({"response": {"userHandle": b64(b"owner")}}, b"owner")
    with pytest.raises(wa.AuthenticationRejected, match="does not match"):
        wa.check_user_handle({"response": {"userHandle": b64(b"someone else")}}, b"owner")


@pytest.mark.parametrize("handle", ["A", 12345, ["owner"]])
def test_a_malformed_user_handle_is_rejected(handle):
    with pytest.raises(wa.AuthenticationRejected):
        wa.check_user_handle({"response": {"userHandle": handle}}, b"owner")
