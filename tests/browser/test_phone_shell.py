"""The app's shell on a 375 × 740 phone in real Chromium: the first screen of the home page, reminders switched on
and off, the install guide, and signing out on a shared phone without a connection.

Assertions use ids, classes, data attributes and numbers, not the app's wording.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.browser.conftest import add_authenticator
from tests.browser.test_offline import STUB_PUSH, query
from tests.browser.test_passkeys import register_via_link, without_autofill
from tests.browser.test_pwa import wait_for_service_worker
from tests.push_receiver import PushReceiver

SMALL_PHONE = {"width": 375, "height": 740}
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; SM-A145R) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def parent_on_phone(browser, world, **options):
    """A 375 × 740 phone where parent A has activated the app and sees the home screen; (context, page)."""
    context = browser.new_context(viewport=SMALL_PHONE, locale="da-DK", service_workers="allow", **options)
    page = context.new_page()
    add_authenticator(context, page)
    without_autofill(page)
    register_via_link(page, world["links"]["parent_a"])
    expect(page).to_have_url(re.compile(rf"/families/{world['family_a']}/$"))
    return context, page


def within_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SMALL_PHONE["height"]


def test_the_next_meeting_is_on_the_first_screen_with_two_questionnaires_waiting(live_server, browser):
    world = live_server.seed("--scales-waiting")
    family = world["family_a"]
    context, page = parent_on_phone(browser, world)
    try:
        page.evaluate("window.scrollTo(0, 0)")
        # The next meeting: what, and when, without scrolling.
        assert within_first_screen(page, ".next-meeting h2")
        assert within_first_screen(page, ".next-meeting .lead")
        assert within_first_screen(page, ".next-meeting .lead + p")
        # The questionnaires waiting are one line, after the meeting, that opens the list.
        waiting = page.locator("[data-scales-waiting]")
        expect(waiting).to_have_count(1)
        expect(waiting).to_contain_text("2")
        assert within_first_screen(page, "[data-scales-waiting]")
        meeting_box = page.locator(".next-meeting").bounding_box()
        assert waiting.bounding_box()["y"] > meeting_box["y"]
        waiting.locator("a").click()
        expect(page).to_have_url(re.compile(rf"/families/{family}/scales(#.*)?$"))
        # The list (which also keeps one that closed lately, never asked for on the home page).
        key = f"wellbeing.m.{world['meeting_tomorrow']}"
        expect(page.locator(f".to-fill a[href$='/scales/fill/{key}']")).to_have_count(1)
        assert page.locator(".to-fill li").count() >= 2
    finally:
        context.close()


def test_after_switching_reminders_on_only_the_off_button_is_offered(live_server, browser):
    world = live_server.seed()
    with PushReceiver() as receiver:
        context, page = parent_on_phone(browser, world, bypass_csp=True)
        try:
            wait_for_service_worker(page)
            context.grant_permissions(["notifications"], origin=live_server.url)
            page.add_init_script("(" + STUB_PUSH + ")(" + json.dumps(receiver.subscription()) + ");")
            page.goto(f"{live_server.url}/reminders")
            expect(page.locator("[data-push-state-off]")).to_be_visible()
            expect(page.locator("[data-push-on]")).to_be_visible()
            expect(page.locator("[data-push-off]")).to_be_hidden()

            page.click("[data-push-on]")
            expect(page.locator("[data-push-state-on]")).to_be_visible()
            expect(page.locator("[data-push-off]")).to_be_visible()
            expect(page.locator("[data-push-on]")).to_be_hidden()
            assert len(query(live_server, "SELECT user_id FROM push_subscriptions")) == 1

            # Coming back later: the phone's state, with the one action that changes it.
            page.reload()
            expect(page.locator("[data-push-state-on]")).to_be_visible()
            expect(page.locator("[data-push-off]")).to_be_visible()
            expect(page.locator("[data-push-on]")).to_be_hidden()

            page.click("[data-push-off]")
            expect(page.locator("[data-push-state-off]")).to_be_visible()
            expect(page.locator("[data-push-on]")).to_be_visible()
            expect(page.locator("[data-push-off]")).to_be_hidden()
            assert query(live_server, "SELECT user_id FROM push_subscriptions") == []
        finally:
            context.close()


def _install_page(browser, live_server, user_agent: str | None = None):
    options = {"user_agent": user_agent} if user_agent else {}
    context = browser.new_context(viewport=SMALL_PHONE, locale="da-DK", **options)
    page = context.new_page()
    page.goto(live_server.url + "/install")
    page.wait_for_load_state("load")
    return context, page


def test_install_now_is_not_offered_by_a_browser_without_an_install_prompt(live_server, browser):
    """Headless Chromium offers no install prompt (like Safari and Firefox): no button, but the phone's steps."""
    context, page = _install_page(browser, live_server, IPHONE)
    try:
        expect(page.locator("[data-install]")).to_be_hidden()
        expect(page.locator("[data-install-steps=ios]")).to_be_visible()
        expect(page.locator("[data-install-steps=android]")).to_be_hidden()
    finally:
        context.close()
    context, page = _install_page(browser, live_server, ANDROID)
    try:
        expect(page.locator("[data-install]")).to_be_hidden()
        expect(page.locator("[data-install-steps=android]")).to_be_visible()
        expect(page.locator("[data-install-steps=ios]")).to_be_hidden()
    finally:
        context.close()


def test_install_now_appears_when_the_browser_offers_it_and_opens_its_prompt(live_server, browser):
    context, page = _install_page(browser, live_server, ANDROID)
    try:
        expect(page.locator("[data-install]")).to_be_hidden()
        # What Chrome on Android does when the app can be installed: the event, with a prompt to open.
        page.evaluate(
            """() => {
                window.promptShown = 0;
                const event = new Event('beforeinstallprompt', {cancelable: true});
                event.prompt = () => { window.promptShown += 1; return Promise.resolve(); };
                event.userChoice = Promise.resolve({outcome: 'accepted'});
                window.dispatchEvent(event);
            }"""
        )
        expect(page.locator("[data-install]")).to_be_visible()
        page.click("[data-install]")
        assert page.evaluate("window.promptShown") == 1
        expect(page.locator("[data-install]")).to_be_hidden()
    finally:
        context.close()
