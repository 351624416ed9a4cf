"""The app factory: configuration and registration."""

import pytest

from familyapp import create_app
from tests.conftest import TEST_VAPID_KEY


@pytest.fixture(autouse=True)
def push_key(monkeypatch):
    """Production needs a push key; the tests below that are about it take it away."""
    monkeypatch.setenv("VAPID_PRIVATE_KEY", TEST_VAPID_KEY)


def test_config_is_not_testing_without_test_config(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    app = create_app()
    assert not app.testing


def test_testing_config(app):
    assert app.testing


def test_secret_key_required_outside_development(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FAMILYAPP_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_development_has_a_default_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FAMILYAPP_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    assert create_app().config["SECRET_KEY"]


def test_https_origin_makes_cookies_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    monkeypatch.setenv("WEBAUTHN_ORIGIN", "https://familie.example.dk")
    monkeypatch.setenv("WEBAUTHN_RP_ID", "familie.example.dk")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["WEBAUTHN_RP_ID"] == "familie.example.dk"


def test_every_blueprint_is_registered(app):
    """Every views module's blueprint, by walking the package: a new one that is not registered fails here."""
    import importlib
    import pkgutil

    import familyapp

    found = set()
    for module in pkgutil.walk_packages(familyapp.__path__, "familyapp."):
        if module.name.endswith("views") or module.name.endswith("language"):
            bp = getattr(importlib.import_module(module.name), "bp", None)
            if bp is not None:
                found.add(bp.name)
    assert found and found <= set(app.blueprints)
    assert {"signin", "recovery", "overview", "admin", "leader", "language", "pwa"} <= set(app.blueprints)


#: The blueprints that are not named after their package, each with its reason (README, "Architecture").
SECOND_BLUEPRINTS = {
    "calendar": "meetings",  # fetched by calendar apps with the address's secret alone: no session, no CSRF
    "review": "scales",  # the consultant's queue across all their families, not one family's pages
    "partner": "overview",  # the partner's page behind a link: no login, its own rules
}


def test_one_blueprint_per_package_named_after_it(app):
    """A package's routes join the blueprint named after it, except the few listed above for a reason."""
    for name, bp in app.blueprints.items():
        package = bp.import_name.removeprefix("familyapp.").split(".")[0]
        assert name == package or SECOND_BLUEPRINTS.get(name) == package, f"{name} in {bp.import_name}"


def test_default_database_is_sqlite_under_instance(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FAMILYAPP_INSTANCE", str(tmp_path / "instance"))
    app = create_app()
    assert app.config["DATABASE_URL"].startswith("sqlite:///")
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'familyapp.sqlite3'}"


def test_proxy_fix_only_when_configured(monkeypatch, tmp_path):
    from familyapp.proxies import TrustedProxyFix

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    assert not isinstance(create_app().wsgi_app, TrustedProxyFix)
    monkeypatch.setenv("PROXY_FIX_HOPS", "1")
    assert isinstance(create_app().wsgi_app, TrustedProxyFix)


def _production(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("FAMILYAPP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_production_without_a_push_key_stops_at_start_saying_how_to_make_one(monkeypatch, tmp_path):
    _production(monkeypatch, tmp_path, VAPID_PRIVATE_KEY="")
    with pytest.raises(RuntimeError, match=r"VAPID_PRIVATE_KEY must be set in production.*openssl ecparam"):
        create_app()


def test_a_key_made_by_openssl_is_taken(monkeypatch, tmp_path):
    """`openssl ecparam -name prime256v1 -genkey -noout` writes an "EC PRIVATE KEY" (SEC1), made the same here."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
        .decode()
    )
    assert pem.startswith("-----BEGIN EC PRIVATE KEY-----")
    _production(monkeypatch, tmp_path, VAPID_PRIVATE_KEY=pem)
    assert create_app().config["VAPID_PRIVATE_KEY"] == pem


@pytest.mark.parametrize("env_name", ["production", "development"])
def test_a_push_key_that_is_no_key_stops_at_start(monkeypatch, tmp_path, env_name):
    _production(
        monkeypatch, tmp_path, VAPID_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n", FAMILYAPP_ENV=env_name
    )
    with pytest.raises(RuntimeError, match="VAPID_PRIVATE_KEY is not a private key"):
        create_app()


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u:p@db/familyapp",
        "postgresql+asyncpg://u:p@db/familyapp",  # a driver the app does not install
        "mysql://u@db/x",
        "familyapp.sqlite3",
        "",
        "http://db/familyapp",
    ],
)
def test_a_database_address_the_app_does_not_know_stops_at_start(monkeypatch, tmp_path, url):
    _production(monkeypatch, tmp_path, DATABASE_URL=url)
    with pytest.raises(RuntimeError, match="DATABASE_URL is not a database address the app knows"):
        create_app()
