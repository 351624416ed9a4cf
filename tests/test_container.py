"""The container setup (issue 14), checked where Docker cannot run (CI has no Docker daemon): compose.yaml starts
the database, the migration, the app and the worker in the right order with commands the app really has and
settings it really reads; the Dockerfile's last stage runs as a user without rights, from the wheels only, with
gunicorn's settings that gunicorn itself accepts. The wheel and those settings are run for real in
tests/test_package.py."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = ("migrate", "app", "worker")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def last_stage() -> str:
    """The Dockerfile's run stage (after its last FROM)."""
    text = (ROOT / "Dockerfile").read_text()
    return text[text.rindex("\nFROM ") :]


def test_the_services_start_in_order(compose):
    services = compose["services"]
    assert set(services) == {"db", *APP_SERVICES}
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("app", "worker"):
        assert services[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    assert services["db"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert services["migrate"]["restart"] == "no"
    # The image's health check asks the web server: the one-off migration and the worker run none.
    assert services["migrate"]["healthcheck"] == services["worker"]["healthcheck"] == {"disable": True}
    assert "healthcheck" not in services["app"]


def test_the_reverse_proxy_on_the_host_is_seen_from_one_fixed_address(compose):
    (pool,) = compose["networks"]["default"]["ipam"]["config"]
    assert pool == {"subnet": "172.30.0.0/24", "gateway": "172.30.0.1"}
    readme = (ROOT / "README.md").read_text()
    assert "TRUSTED_PROXIES=172.30.0.1" in readme  # what the README tells the IT department to trust


def test_the_app_services_share_one_image_and_one_configuration(compose):
    services = compose["services"]
    first = services["app"]
    for name in APP_SERVICES:
        assert services[name]["build"] == "." and services[name]["image"] == first["image"]
        assert services[name]["environment"] == first["environment"]
    env = first["environment"]
    assert re.fullmatch(
        r"postgresql\+psycopg://familyapp:\$\{POSTGRES_PASSWORD:\?[^}]+\}@db/familyapp", env["DATABASE_URL"]
    )
    # No default secret: compose refuses to start without one.
    for name in ("SECRET_KEY", "VAPID_PRIVATE_KEY"):
        assert env[name].startswith(f"${{{name}:?")


def test_every_setting_given_is_one_the_app_reads(compose):
    code = (ROOT / "familyapp" / "config.py").read_text() + (ROOT / "familyapp" / "__init__.py").read_text()
    for name in compose["services"]["app"]["environment"]:
        assert f'"{name}"' in code, f"{name} is not a setting of the app"


def test_the_commands_are_the_apps_own(app, compose):
    commands = app.cli.list_commands(None)
    for name in ("migrate", "worker"):
        command = compose["services"][name]["command"]
        assert command[:3] == ["flask", "--app", "familyapp"] and command[3] in commands


def test_only_the_reverse_proxy_reaches_the_app(compose):
    """Published on the loopback address only: TLS is the municipality's reverse proxy's job."""
    assert compose["services"]["app"]["ports"] == ["127.0.0.1:8000:8000"]
    assert all("ports" not in compose["services"][name] for name in ("db", "migrate", "worker"))


def test_the_image_runs_as_a_user_from_the_wheels_only(last_stage):
    assert last_stage.startswith("\nFROM python:3.11-slim\n")
    users = re.findall(r"^USER (\S+)", last_stage, re.M)
    assert users == ["familyapp"]
    assert '--no-index --find-links /wheels "familyapp[tracing]"' in last_stage  # nothing fetched, nothing compiled
    assert not re.search(r"apt-get|gcc|build-essential|COPY familyapp|COPY \. ", last_stage)
    assert "FAMILYAPP_INSTANCE=/var/lib/familyapp" in last_stage
    assert '"/healthz"' in last_stage or "/healthz'" in last_stage


def test_the_image_starts_gunicorn_with_settings_gunicorn_accepts(last_stage):
    cmd = re.search(r"^CMD (\[.*\])$", last_stage, re.M).group(1)
    assert cmd == '["gunicorn", "-c", "python:familyapp.gunicorn_conf", "familyapp:create_app()"]'
    module = importlib.import_module("familyapp.gunicorn_conf")
    config = Config()
    names = [name for name in vars(module) if name in config.settings]
    for name in names:
        config.set(name, getattr(module, name))  # gunicorn's own validation
    assert {"bind", "workers", "timeout", "accesslog", "forwarded_allow_ips"} <= set(names)
    assert config.accesslog is None  # the app logs requests itself, without their query
    assert config.worker_class_str == "sync" and config.workers >= 1
