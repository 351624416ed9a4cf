"""The only module that talks to py_webauthn. Passkey-first settings: resident key and user verification."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .. import jsonlimit

#: How long the browser prompt may stay open, in milliseconds; the stored challenge lives as long.
TIMEOUT_MS = 120_000


class RegistrationRejected(Exception):
    """The authenticator's registration response did not verify."""


class AuthenticationRejected(Exception):
    """The authenticator's sign-in response did not verify."""


@dataclass(frozen=True)
class NewCredential:
    credential_id: bytes
    public_key: bytes
    sign_count: int
    backed_up: bool
    transports: list[str]


def _config():
    c = current_app.config
    return c["WEBAUTHN_RP_ID"], c["WEBAUTHN_RP_NAME"], c["WEBAUTHN_ORIGIN"]


def registration_options(
    *, user_handle: bytes, user_name: str, display_name: str, exclude: list[bytes]
) -> tuple[str, str]:
    """Options for navigator.credentials.create().

    :return: (options as JSON text, the challenge in base64url to keep server-side).
    """
    rp_id, rp_name, _origin = _config()
    opts = generate_registration_options(
        rp_id=rp_id,
        rp_name=rp_name,
        user_id=user_handle,
        user_name=user_name,
        user_display_name=display_name,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=cid) for cid in exclude],
    )
    return options_to_json(opts), bytes_to_base64url(opts.challenge)


def verify_registration(credential: dict, challenge: str) -> NewCredential:
    """Verify a registration response from the browser against the stored challenge."""
    rp_id, _name, origin = _config()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise RegistrationRejected(str(exc)) from exc
    transports = credential["response"].get("transports") or []
    known = {t.value for t in AuthenticatorTransport}
    return NewCredential(
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        backed_up=verified.credential_backed_up,
        transports=[t for t in transports if isinstance(t, str) and t in known],
    )


def authentication_options() -> tuple[str, str]:
    """Options for navigator.credentials.get() with discoverable credentials (no account name needed)."""
    rp_id, _name, _origin = _config()
    opts = generate_authentication_options(
        rp_id=rp_id, timeout=TIMEOUT_MS, user_verification=UserVerificationRequirement.REQUIRED
    )
    return options_to_json(opts), bytes_to_base64url(opts.challenge)


def challenge_in(credential: dict) -> str | None:
    """The challenge a browser response answers, read from its clientDataJSON (checked again on verify)."""
    try:
        # The browser's JSON inside the JSON body: depth-checked too (TooDeep is a ValueError).
        client_data = jsonlimit.loads(base64url_to_bytes(credential["response"]["clientDataJSON"]))
        challenge = client_data["challenge"]
    except (KeyError, TypeError, ValueError):
        return None
    return challenge if isinstance(challenge, str) else None


def credential_id_of(credential: dict) -> bytes:
    """The credential id the browser says it used (checked later by the signature)."""
    try:
        return base64url_to_bytes(credential["rawId"])
    except (KeyError, TypeError, ValueError) as exc:
        raise AuthenticationRejected("no credential id") from exc


def check_user_handle(credential: dict, expected: bytes) -> None:
    """A discoverable credential names its user; it must be the owner of the stored passkey."""
    handle = (credential.get("response") or {}).get("userHandle")
    if handle is None:
        return  # optional in the standard; the signature still binds the response to the stored key
    try:
        given = base64url_to_bytes(handle)
    except (TypeError, ValueError) as exc:
        raise AuthenticationRejected("malformed user handle") from exc
    if given != expected:
        raise AuthenticationRejected("user handle does not match the passkey's owner")


def verify_authentication(credential: dict, challenge: str, *, public_key: bytes, sign_count: int) -> int:
    """Verify a sign-in response; return the new signature counter (0: the authenticator keeps none)."""
    rp_id, _name, origin = _config()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise AuthenticationRejected(str(exc)) from exc
    return verified.new_sign_count
