"""Configuration from the environment (familyapp/config.py): safe defaults, secrets only from outside, cookies
secure where the origin is HTTPS, and numbers that stop the start when they are not numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyapp import config

VARIABLES = (
    "FAMILYAPP_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "WEBAUTHN_ORIGIN",
    "SESSION_COOKIE_SECURE",
    "PROXY_FIX_HOPS",
    "OFFLINE_MAX_AGE_DAYS",
    "FAMILYAPP_RELEASE",
    "REFERAT_DEADLINE_WORKING_DAYS",
)


@pytest.fixture()
def env(monkeypatch, tmp_path):
    """A clean environment: none of the app's variables set; returns a function building the config."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def build(**values) -> dict:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return config.from_environment(str(tmp_path))

    return build


def test_production_has_no_secret_unless_given(env):
    assert env()["ENV_NAME"] == "production"
    assert env()["SECRET_KEY"] is None
    assert env(SECRET_KEY="from-the-vault")["SECRET_KEY"] == "from-the-vault"


def test_development_has_a_placeholder_secret(env):
    settings = env(FAMILYAPP_ENV="development")
    assert settings["SECRET_KEY"] and settings["ENV_NAME"] == "development"


def test_the_default_database_is_a_file_in_the_instance_folder(env, tmp_path):
    url = env()["DATABASE_URL"]
    assert url.startswith("sqlite:///") and Path(url.removeprefix("sqlite:///")).parent == tmp_path
    assert env(DATABASE_URL="postgresql+psycopg:///x")["DATABASE_URL"] == "postgresql+psycopg:///x"


@pytest.mark.parametrize("origin, secure", [("https://familie.kommune.dk", True), ("http://localhost:5000", False)])
def test_cookies_are_secure_where_the_origin_is_https(env, origin, secure):
    settings = env(WEBAUTHN_ORIGIN=origin)
    assert settings["SESSION_COOKIE_SECURE"] is secure
    assert settings["PREFERRED_URL_SCHEME"] == ("https" if secure else "http")


@pytest.mark.parametrize("value, secure", [("1", True), ("yes", True), (" ON ", True), ("0", False), ("nej", False)])
def test_the_cookie_setting_can_be_said_outright(env, value, secure):
    assert env(WEBAUTHN_ORIGIN="https://x.dk", SESSION_COOKIE_SECURE=value)["SESSION_COOKIE_SECURE"] is secure


def test_no_proxy_is_trusted_unless_said(env):
    assert env()["PROXY_FIX_HOPS"] == 0
    assert env(PROXY_FIX_HOPS="2")["PROXY_FIX_HOPS"] == 2


@pytest.mark.parametrize("raw, days", [("", 3), ("0", 0), (" 14 ", 14)])
def test_a_whole_number_or_the_default(env, raw, days):
    assert env(OFFLINE_MAX_AGE_DAYS=raw)["OFFLINE_MAX_AGE_DAYS"] == days


def test_the_referat_deadline_is_five_working_days_unless_the_municipality_says_otherwise(env):
    assert env()["REFERAT_DEADLINE_WORKING_DAYS"] == 5
    assert env(REFERAT_DEADLINE_WORKING_DAYS="10")["REFERAT_DEADLINE_WORKING_DAYS"] == 10


@pytest.mark.parametrize("raw", ["-1", "2.5", "tre"])
def test_anything_else_stops_the_start_and_names_the_variable(env, raw):
    with pytest.raises(ValueError, match="OFFLINE_MAX_AGE_DAYS"):
        env(OFFLINE_MAX_AGE_DAYS=raw)


def test_translations_are_found_by_an_absolute_path():
    folder = Path(config.Defaults.BABEL_TRANSLATION_DIRECTORIES)
    assert folder.is_absolute() and (folder / "da" / "LC_MESSAGES" / "messages.po").exists()
