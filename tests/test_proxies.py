"""Forwarded client addresses count only from the configured proxies: a client cannot pick its own address with
X-Forwarded-For and so dodge the rate limits."""

from __future__ import annotations

import pytest

from familyapp import create_app
from familyapp.proxies import TrustedProxyFix, is_trusted, parse_networks
from tests.conftest import TEST_CONFIG

ATTACKER = "203.0.113.9"
PROXY = "10.1.2.3"


def _app_showing_the_client_address(database_url, **config):
    """An app built by create_app (with its middleware) and one extra page that shows request.remote_addr, on the
    tests' migrated database (on one that is not, every page asks for the upgrade: tests/health)."""
    from flask import request

    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, **config})
    app.add_url_rule("/_whoami", "whoami", lambda: request.remote_addr or "-")
    return app


class TestCreateApp:
    def test_a_forged_forwarded_for_from_a_stranger_is_ignored(self, database_url):
        app = _app_showing_the_client_address(database_url, PROXY_FIX_HOPS=1, TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
        client = app.test_client()
        forged = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
        response = client.get("/_whoami", headers=forged, environ_base={"REMOTE_ADDR": ATTACKER})
        assert response.get_data(as_text=True) == ATTACKER

    def test_the_proxy_s_forwarded_for_is_the_client(self, database_url):
        app = _app_showing_the_client_address(database_url, PROXY_FIX_HOPS=1, TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
        client = app.test_client()
        headers = {"X-Forwarded-For": "198.51.100.7"}
        assert client.get("/_whoami", headers=headers, environ_base={"REMOTE_ADDR": PROXY}).text == "198.51.100.7"
        # The default trusts a proxy on the same machine only.
        app = _app_showing_the_client_address(database_url, PROXY_FIX_HOPS=1)
        assert app.config["TRUSTED_PROXIES"] == "127.0.0.1,::1"
        client = app.test_client()
        assert client.get("/_whoami", headers=headers, environ_base={"REMOTE_ADDR": PROXY}).text == PROXY
        assert client.get("/_whoami", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}).text == (
            "198.51.100.7"
        )

    def test_a_wrong_setting_stops_the_start(self, database_url):
        with pytest.raises(ValueError, match="not-an-address"):
            _app_showing_the_client_address(database_url, PROXY_FIX_HOPS=1, TRUSTED_PROXIES="10.0.0.0/8,not-an-address")


def test_forged_addresses_do_not_dodge_the_rate_limit(app, client, world, monkeypatch):
    """Twelve wrong codes from one address, each claiming another X-Forwarded-For: the limit still holds."""
    monkeypatch.setattr(app, "wsgi_app", TrustedProxyFix(app.wsgi_app, parse_networks("10.0.0.0/8"), 1))
    pages = [
        client.post(
            "/auth/activate",
            data={"code": "AAAA-AAAA"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
            environ_base={"REMOTE_ADDR": ATTACKER},
        ).get_data(as_text=True)
        for i in range(12)
    ]
    assert "Too many attempts" in pages[-1] and "Too many attempts" not in pages[0]
    # Behind the proxy, each real client is counted on its own.
    page = client.post(
        "/auth/activate",
        data={"code": "AAAA-AAAA"},
        headers={"X-Forwarded-For": "198.51.100.200"},
        environ_base={"REMOTE_ADDR": PROXY},
    ).get_data(as_text=True)
    assert "Too many attempts" not in page


@pytest.mark.parametrize(
    "address, trusted",
    [
        ("10.9.8.7", True),
        ("127.0.0.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("11.0.0.1", False),
        ("fe80::1%eth0", False),
        ("", False),
        (None, False),
        ("garbage", False),
    ],
)
def test_who_is_a_trusted_proxy(address, trusted):
    assert is_trusted(address, parse_networks("127.0.0.1, 10.0.0.0/8, ::1")) is trusted


def test_settings_are_read_forgivingly_but_strictly():
    assert [str(n) for n in parse_networks(" 10.0.0.0/8 ,, 192.168.1.5,fd00::/8 ")] == [
        "10.0.0.0/8",
        "192.168.1.5/32",
        "fd00::/8",
    ]
    assert parse_networks("") == ()
    with pytest.raises(ValueError, match="999.1.1.1"):
        parse_networks("999.1.1.1")
