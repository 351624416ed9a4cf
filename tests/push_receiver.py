"""A push service of our own for tests: a browser's push subscription whose endpoint is a small HTTP server on
localhost. It keeps what arrives, checks the VAPID signature, and decrypts the message with the subscriber's keys,
as the browser would (RFC 8291, aes128gcm)."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Delivery:
    path: str
    headers: dict
    body: bytes


@dataclass
class PushReceiver:
    """Start with ``with PushReceiver() as receiver``; ``receiver.subscription()`` is what a browser would send."""

    status: int = 201
    deliveries: list = field(default_factory=list)

    def __post_init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.deliveries.append(Delivery(self.path, dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()

    def subscription(self, name: str = "browser-1") -> dict:
        """A PushSubscription.toJSON() as a browser gives it, pointing here."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"http://localhost:{self.port}/push/{name}",
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }

    def decrypt(self, delivery: Delivery) -> dict:
        """The message as the browser's service worker would get it."""
        plain = http_ece.decrypt(
            delivery.body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)

    def wait(self, count: int = 1, timeout: float = 10) -> list[Delivery]:
        deadline = time.time() + timeout
        while len(self.deliveries) < count and time.time() < deadline:
            time.sleep(0.05)
        return self.deliveries


def vapid_claims(delivery: Delivery, public_key_b64: str) -> dict:
    """The VAPID token's claims, after checking its ES256 signature against the server's public key.

    :raises AssertionError: when the signature or the key does not match.
    """
    header = delivery.headers.get("Authorization") or delivery.headers.get("authorization")
    scheme, _sep, params = header.partition(" ")
    assert scheme == "vapid", header
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key_b64
    token = fields["t"]
    signed, _dot, signature = token.rpartition(".")
    raw = unb64url(signature)
    der = utils.encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(fields["k"]))
    key.verify(der, signed.encode(), ec.ECDSA(hashes.SHA256()))
    return json.loads(unb64url(signed.split(".")[1]))
