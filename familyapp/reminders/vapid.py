"""The server's VAPID key, which signs every push message. From VAPID_PRIVATE_KEY (PEM text), required in production; in
development and tests it is made once and kept under the instance folder (several servers must share one key)."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import Flask, current_app
from py_vapid import Vapid02


def _load(app: Flask) -> Vapid02:
    pem = app.config.get("VAPID_PRIVATE_KEY")
    if pem:
        return Vapid02.from_pem(pem.encode() if isinstance(pem, str) else pem)
    path = Path(app.instance_path) / "vapid_private.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Vapid02()
        key.generate_keys()
        key.save_key(str(path))
        path.chmod(0o600)
    return Vapid02.from_file(str(path))


def key(app: Flask | None = None) -> Vapid02:
    """The VAPID key, loaded once per app."""
    app = app or current_app
    if "vapid" not in app.extensions:
        app.extensions["vapid"] = _load(app)
    return app.extensions["vapid"]


def public_key(app: Flask | None = None) -> str:
    """The application server key browsers need to subscribe (uncompressed point, base64url)."""
    raw = key(app).public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
