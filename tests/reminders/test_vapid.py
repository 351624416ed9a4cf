"""The server's VAPID key (familyapp/reminders/vapid.py): from the configured PEM, or made once and kept under
instance/ with owner-only permissions, loaded once per app, and the public key in the form browsers need."""

from __future__ import annotations

import base64
import stat

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import Flask
from py_vapid import Vapid02

from familyapp.reminders import vapid
from tests.conftest import TEST_VAPID_KEY


def bare_app(tmp_path, **config) -> Flask:
    app = Flask("vapid-test", instance_path=str(tmp_path / "instance"))
    app.config.update(config)
    return app


def decode(public: str) -> bytes:
    return base64.urlsafe_b64decode(public + "=" * (-len(public) % 4))


def test_the_configured_key_is_used(tmp_path):
    app = bare_app(tmp_path, VAPID_PRIVATE_KEY=TEST_VAPID_KEY)
    expected = Vapid02.from_pem(TEST_VAPID_KEY.encode()).public_key.public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint
    )
    assert decode(vapid.public_key(app)) == expected
    assert not (tmp_path / "instance").exists()  # nothing written


def test_the_public_key_is_an_uncompressed_p256_point_in_base64url_without_padding(tmp_path):
    public = vapid.public_key(bare_app(tmp_path, VAPID_PRIVATE_KEY=TEST_VAPID_KEY))
    assert "=" not in public and "+" not in public and "/" not in public
    raw = decode(public)
    assert len(raw) == 65 and raw[0] == 4
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)  # a point on the curve


def test_without_a_configured_key_one_is_made_once_and_kept_private(tmp_path):
    first = bare_app(tmp_path)
    public = vapid.public_key(first)
    path = tmp_path / "instance" / "vapid_private.pem"
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    kept = path.read_bytes()
    # Another app on the same machine (a restart) finds the same key.
    assert vapid.public_key(bare_app(tmp_path)) == public
    assert path.read_bytes() == kept


def test_the_key_is_loaded_once_per_app(tmp_path):
    app = bare_app(tmp_path, VAPID_PRIVATE_KEY=TEST_VAPID_KEY)
    assert vapid.key(app) is vapid.key(app)
    assert app.extensions["vapid"] is vapid.key(app)


def test_the_current_app_is_the_default(app):
    with app.app_context():
        assert vapid.public_key() == vapid.public_key(app)
