"""Real Chromium (Debian's package) driven by Playwright against the app served in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import TEST_VAPID_KEY
from tests.dbutil import fresh_database_url

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _parse(value):
    """A stored time back as a datetime (SQLite returns text)."""
    from datetime import UTC, datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _live_database_url(tmp_path_factory) -> str:
    """A database of the live server's own: browser tests commit for real."""
    return fresh_database_url(tmp_path_factory.mktemp("live"), "live")


class LiveServer:
    """The app in a subprocess: `flask run` on localhost (a secure context for WebAuthn and service workers)."""

    def __init__(self, database_url: str, port: int | None = None, **env: str):
        self.port = port or _free_port()
        self.url = f"http://localhost:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "browser-test-secret",
            "WEBAUTHN_ORIGIN": self.url,
            "WEBAUTHN_RP_ID": "localhost",
            "FAMILYAPP_ENV": "test",
            "VAPID_PRIVATE_KEY": TEST_VAPID_KEY,
            "PUSH_SERVICE_HOSTS": "localhost",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.process: subprocess.Popen | None = None

    def flask(self, *args: str) -> str:
        cmd = [sys.executable, "-m", "flask", "--app", "familyapp", *args]
        return subprocess.run(cmd, env=self.env, cwd=ROOT, check=True, capture_output=True, text=True).stdout

    def start(self) -> None:
        cmd = [sys.executable, "-m", "flask", "--app", "familyapp", "run", "--port", str(self.port), "--no-reload"]
        # LIVE_SERVER_LOG=/tmp/live.log keeps the server's output for debugging.
        self.log = open(os.environ.get("LIVE_SERVER_LOG", os.devnull), "a")  # noqa: SIM115
        self.process = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=self.log, stderr=self.log)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/offline", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("live server did not start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
            self.log.close()

    def reset_rate_limits(self) -> None:
        """Forget the attempt counters: every browser test comes from 127.0.0.1, and each activation link
        opened counts against the limit (10 per 5 minutes), so a long run would lock itself out."""
        from sqlalchemy import text

        from familyapp.db import make_engine

        engine = make_engine(self.env["DATABASE_URL"])
        try:
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM rate_limit_hits"))
        finally:
            engine.dispose()

    def age_sign_ins(self, minutes: int) -> None:
        """Make every session's sign-in older, so a step that needs a fresh confirmation asks for one."""
        from sqlalchemy import text

        from familyapp.db import make_engine

        engine = make_engine(self.env["DATABASE_URL"])
        try:
            with engine.begin() as conn:
                for session_id, signed_in in conn.execute(text("SELECT id, signed_in_at FROM user_sessions")):
                    if signed_in is None:
                        continue
                    older = _parse(signed_in) - timedelta(minutes=minutes)
                    conn.execute(
                        text("UPDATE user_sessions SET signed_in_at = :t WHERE id = :i"), {"t": older, "i": session_id}
                    )
        finally:
            engine.dispose()

    def seed(self, *options: str) -> dict:
        """A fresh pair of families with activation links for every role (options: see tests/browser/seed.py)."""
        out = subprocess.run(
            [sys.executable, "-m", "tests.browser.seed", *options],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return json.loads(out)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = LiveServer(_live_database_url(tmp_path_factory))
    server.flask("db-upgrade")
    server.start()
    yield server
    server.stop()


def go_offline(context, server: LiveServer) -> None:
    """The phone has no connection: the browser says so (Playwright's emulation, which pages and the service worker
    see) and the server really cannot be reached, so that what the service worker gets never depends on the
    emulation reaching it in time (now and then, in CI, a request went through)."""
    server.stop()
    context.set_offline(True)


def back_online(context, server: LiveServer) -> None:
    """The connection is back: the server answers first, then the browser says it is online."""
    server.start()
    context.set_offline(False)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(live_server):
    if live_server.process is None:  # a test that failed while offline left it stopped
        live_server.start()
    live_server.reset_rate_limits()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium chromium-driver)")
    b = playwright_instance.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


def add_authenticator(context, page) -> tuple:
    """Give the page Chromium's virtual platform authenticator (resident keys, user verification)."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    result = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, result["authenticatorId"]


@pytest.fixture()
def phone(browser):
    """A phone-sized page with a virtual authenticator."""
    context = browser.new_context(viewport=PHONE, locale="da-DK", service_workers="allow")
    page = context.new_page()
    cdp, authenticator = add_authenticator(context, page)
    page.authenticator = (cdp, authenticator)
    yield page
    context.close()


def run_axe(page) -> list[dict]:
    """Run axe-core (from npm) on the page; return WCAG 2.x A/AA violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5], "help": v["help"]} for v in result["violations"]
    ]


def switch_to(page, code: str) -> None:
    """Choose a language through the header's language link and the language page, back on the same page."""
    from playwright.sync_api import expect

    before = page.url
    page.click(".site-header .language-link")
    page.click(f"button[name=language][value={code}]")
    expect(page.locator("html")).to_have_attribute("lang", code)
    assert page.url.rstrip("?") == before.rstrip("?")
