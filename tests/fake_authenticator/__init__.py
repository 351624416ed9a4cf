"""A software authenticator that builds real WebAuthn responses (ES256, attestation "none").

It lets the server-side ceremony be tested without a browser, with genuine signatures, so that tampered,
replayed and foreign responses can be produced on purpose. The real browser path is tested in tests/browser.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

UP, UV, AT = 0x01, 0x04, 0x40


class SoftAuthenticator:
    """One authenticator holding resident credentials, like a phone."""

    def __init__(self, origin: str = "http://localhost:5000", rp_id: str = "localhost"):
        self.origin = origin
        self.rp_id = rp_id
        self.credentials: dict[bytes, dict] = {}

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}).encode()

    def create(self, options: dict, *, user_verified: bool = True, cred_id: bytes | None = None) -> dict:
        """Answer navigator.credentials.create() options with a new credential (or a reused id, to misbehave)."""
        key = ec.generate_private_key(ec.SECP256R1())
        numbers = key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        cred_id = cred_id or os.urandom(32)
        flags = UP | AT | (UV if user_verified else 0)
        auth_data = (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([flags])
            + struct.pack(">I", 0)
            + bytes(16)
            + struct.pack(">H", len(cred_id))
            + cred_id
            + cose
        )
        self.credentials[cred_id] = {"key": key, "user_handle": base64url_to_bytes(options["user"]["id"]), "count": 0}
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"])
        return {
            "id": bytes_to_base64url(cred_id),
            "rawId": bytes_to_base64url(cred_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["internal"],
                # Chromium's toJSON() adds these; the server must accept them as they come.
                "publicKeyAlgorithm": -7,
                "authenticatorData": bytes_to_base64url(auth_data),
            },
        }

    def get(self, options: dict, cred_id: bytes | None = None, *, count_step: int = 1) -> dict:
        """Answer navigator.credentials.get() options with a signed assertion."""
        cred_id = cred_id or next(iter(self.credentials))
        cred = self.credentials[cred_id]
        cred["count"] += count_step
        auth_data = hashlib.sha256(self.rp_id.encode()).digest() + bytes([UP | UV]) + struct.pack(">I", cred["count"])
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = cred["key"].sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": bytes_to_base64url(cred_id),
            "rawId": bytes_to_base64url(cred_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(auth_data),
                "signature": bytes_to_base64url(signature),
                "userHandle": bytes_to_base64url(cred["user_handle"]),
            },
        }
