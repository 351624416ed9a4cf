"""The installable shell in real Chromium: installability, the offline fallback, and no personal data in caches."""

from __future__ import annotations

import re
import shutil
import time
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS, PHONE, LiveServer, add_authenticator
from tests.browser.test_passkeys import register_via_link

OFFLINE_HEADING = "Ingen forbindelse"


def wait_for_service_worker(page) -> None:
    """Wait until the service worker is active and controls the page (reload once if it took over late)."""
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")


def cached_urls(page) -> list[str]:
    return page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(request.url);
            }
            return urls;
        }"""
    )


def test_installable(live_server, playwright_instance, tmp_path):
    """Chromium's own installability check, which only a persistent (non-incognito) profile can answer."""
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=shutil.which("chromium"),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=PHONE,
        locale="da-DK",
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/auth/login")
        wait_for_service_worker(page)
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [], manifest["errors"]
        assert manifest["url"].endswith("/manifest.webmanifest")
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
    finally:
        context.close()


def test_offline_page_when_the_server_is_gone(browser, tmp_path):
    """Real offline from the service worker's point of view: the server itself stops."""
    server = LiveServer(f"sqlite:///{tmp_path / 'offline.sqlite3'}")
    server.flask("db-upgrade")
    server.start()
    context = browser.new_context(viewport=PHONE, locale="da-DK", service_workers="allow")
    try:
        page = context.new_page()
        page.goto(server.url + "/auth/login")
        wait_for_service_worker(page)
        expect(page.locator("h1")).not_to_have_text(OFFLINE_HEADING)
        server.stop()

        page.reload()
        # The sign-in page itself: the service worker's anonymous copy, saying there is no connection.
        expect(page.locator("[data-offline-signin-note]")).to_be_visible()
        # Also a page never visited before, and a personal one: the offline page, never stale content.
        page.goto(server.url + "/install")
        expect(page.locator("h1")).to_have_text(OFFLINE_HEADING)
        page.goto(server.url + "/families/00000000-0000-0000-0000-000000000000/")
        expect(page.locator("h1")).to_have_text(OFFLINE_HEADING)
        # Its stylesheet came from the cache too.
        assert page.evaluate(
            "[...document.styleSheets].some((s) => s.href.includes('/static/css/app.css?v=') && s.cssRules.length > 0)"
        )
    finally:
        server.stop()
        context.close()


def retries_seen(page) -> int:
    """How often the kept sign-in page has tried again for the live one (0 while it is being reloaded)."""
    try:
        return int(page.evaluate("Number(sessionStorage.getItem('familyapp-signin-retries'))") or 0)
    except PlaywrightError:  # between two pages of a reload
        return 0


def test_the_kept_sign_in_page_comes_alive_when_the_connection_is_back(browser, tmp_path):
    """The phone loses its connection: the sign-in page is the kept copy, saying so. The phone says it is online
    again before the server can be reached (a weak signal; the server is really stopped meanwhile, so nothing
    depends on the emulation reaching the service worker in time): the copy stays and asks the server again, after
    2, 4 ... seconds, without reloading, and becomes the live page once the server answers."""
    url = f"sqlite:///{tmp_path / 'back.sqlite3'}"
    server = LiveServer(url)
    server.flask("db-upgrade")
    server.start()
    context = browser.new_context(viewport=PHONE, locale="da-DK", service_workers="allow")
    note = "[data-offline-signin-note]"
    try:
        page = context.new_page()
        page.goto(server.url + "/auth/login")
        wait_for_service_worker(page)
        server.stop()
        context.set_offline(True)
        page.reload()
        expect(page.locator(note)).to_be_visible()
        expect(page.locator("[data-passkey-login]").first).to_be_disabled()

        context.set_offline(False)  # it reloads itself on "online"; a reload of ours would race it
        deadline = time.time() + 20
        while retries_seen(page) < 1:
            assert time.time() < deadline, "the kept sign-in page did not try again"
            time.sleep(0.2)
        page.evaluate("window.sameDocument = true")  # a reload would lose it
        while retries_seen(page) < 2:
            assert time.time() < deadline, "the kept sign-in page did not try again"
            time.sleep(0.2)
        expect(page.locator(note)).to_be_visible()
        assert page.evaluate("window.sameDocument") is True  # asked the server, did not reload blindly

        server = LiveServer(url, port=server.port)
        server.start()
        expect(page.locator(note)).to_be_hidden(timeout=30000)
        expect(page).to_have_url(re.compile(r"/auth/login$"))
        expect(page.locator("h1")).not_to_have_text(OFFLINE_HEADING)
        expect(page.locator("[data-passkey-login]").first).to_be_enabled()
        assert page.evaluate("sessionStorage.getItem('familyapp-signin-retries')") is None  # counted afresh
    finally:
        context.close()
        server.stop()


def test_a_professionals_pages_are_never_kept(live_server, browser):
    """The consultant's mirrored view of a family is never kept on a phone (a parent's own pages are, for that
    parent only: tests/browser/test_offline.py)."""
    world = live_server.seed()
    family = world["family_a"]
    context = browser.new_context(viewport=PHONE, locale="da-DK", service_workers="allow")
    try:
        page = context.new_page()
        add_authenticator(context, page)
        register_via_link(page, world["links"]["consultant_a"])
        expect(page).to_have_url(re.compile(r"/caseload$"))
        wait_for_service_worker(page)
        for section in ("", "plan", "meetings", "yearwheel", "network"):
            page.goto(f"{live_server.url}/families/{family}/{section}")
            expect(page.locator(".bottom-nav")).to_be_visible()
        page.goto(f"{live_server.url}/auth/passkeys")

        urls = cached_urls(page)
        paths = [urlsplit(u).path for u in urls]
        assert "/offline" in paths, urls  # the cache was read, not just empty
        # Besides the static files: the offline page and the sign-in page as anyone sees it (fetched without cookies).
        assert all(p in ("/offline", "/auth/login") or p.startswith("/static/") for p in paths), urls
    finally:
        context.close()
