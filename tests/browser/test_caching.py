"""Kept pages in real Chromium: a family page shown again by Back is asked for again (it may be from an ended
session on a shared phone), once, never in a loop."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_plan import _signed_in


def test_back_asks_again_once_and_never_loops(live_server, browser):
    world = live_server.seed()
    family = world["family_a"]
    home = f"{live_server.url}/families/{family}/"
    context, page = _signed_in(browser, world["links"]["parent_a"], PHONE, "Min telefon")
    try:
        expect(page).to_have_url(home)
        page.locator(f".bottom-nav a[href$='/families/{family}/plan']").click()
        expect(page).to_have_url(re.compile(r"/plan$"))
        asked = []
        page.on(
            "response",
            lambda r: asked.append(r.status) if r.url == home and r.request.is_navigation_request() else None,
        )
        page.go_back()
        expect(page).to_have_url(home)
        page.wait_for_timeout(1500)  # a reload that repeated itself would show here
        assert len(asked) == 2, asked  # the page shown by Back, then its one reload
        expect(page.locator(".bottom-nav")).to_be_visible()
    finally:
        context.close()
