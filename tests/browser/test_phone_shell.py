"""The app's shell on a 375 × 740 phone in real Chromium: the first screen of the home page, reminders switched on
and off, the install guide, and signing out on a shared phone without a connection.

Assertions use ids, classes, data attributes and numbers, not the app's wording.
"""

from __future__ import annotations

import json
import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import add_authenticator, back_online, go_offline
from tests.browser.test_offline import (
    STUB_PUSH,
    fill_typed,
    page_caches,
    query,
    service_worker_registration,
    wait_until_kept,
)
from tests.browser.test_passkeys import register_via_link, sign_in, without_autofill
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
    page.authenticator = add_authenticator(context, page)
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

            # A subscription the server no longer has for this person (someone else on a shared phone took the
            # phone's reminders, or they were stopped from another device): off for this person, "on" offered.
            query(live_server, "DELETE FROM push_subscriptions")
            page.reload()
            expect(page.locator("[data-push-state-off]")).to_be_visible()
            expect(page.locator("[data-push-on]")).to_be_visible()
            expect(page.locator("[data-push-off]")).to_be_hidden()
            page.click("[data-push-on]")
            expect(page.locator("[data-push-state-on]")).to_be_visible()
            expect(page.locator("[data-push-on]")).to_be_hidden()
            assert len(query(live_server, "SELECT user_id FROM push_subscriptions")) == 1

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


OUTBOX_ENTRIES = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open('familyapp-outbox', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('answers', {keyPath: 'id'});
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const all = open.result.transaction('answers').objectStore('answers').getAll();
        all.onsuccess = () => { open.result.close(); resolve(all.result); };
    };
})"""


def test_log_ud_without_a_connection_signs_out_on_the_phone_at_once_and_the_answer_waits_for_its_writer(
    live_server, browser
):
    world = live_server.seed("--meeting-tomorrow")
    family = world["family_a"]
    key = f"wellbeing.m.{world['meeting_tomorrow']}"
    base = f"{live_server.url}/families/{family}"
    sent = "SELECT count(*) FROM scale_responses WHERE window_key = :k AND submitted_at IS NOT NULL"
    # The parent's sessions (other tests' worlds have people of the same names: this world's family decides).
    sessions = (
        "SELECT count(*) FROM user_sessions s JOIN users u ON u.id = s.user_id JOIN persons p ON p.id = u.person_id"
        " WHERE p.family_id = :f AND u.name = :n"
    )
    context, page = parent_on_phone(browser, world, bypass_csp=True)
    try:
        cdp, authenticator = page.authenticator
        (mine,) = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
        wait_for_service_worker(page)
        wait_until_kept(page, f"/families/{family}/", f"/families/{family}/scales/fill/{key}")
        parent = world["links"]["parent_a"]["name"]
        family_id = uuid.UUID(family) if "sqlite" not in live_server.env["DATABASE_URL"] else family.replace("-", "")
        assert query(live_server, sessions, f=family_id, n=parent)[0][0] == 1

        # On the bus without a connection: an answer goes to the outbox, then "Log ud" (the phone is handed on).
        go_offline(context, live_server)
        page.goto(f"{base}/scales/fill/{key}")
        fill_typed(page, {"me": "6", "close": "7", "everyday": "5", "overall": "8"})
        page.click("[data-scale-form] button.button-primary")
        expect(page.locator("[data-queued]")).to_be_visible()
        page.goto(base + "/")
        page.click("[data-signout] button")
        page.click("[data-signout-anyway]")

        # At once, on the phone: the sign-in page, nothing of the parent's kept, the answer kept without a session.
        expect(page).to_have_url(re.compile(r"/auth/login\?signed_out=1$"))
        expect(page.locator("[data-passkey-login]")).to_be_visible()
        expect(page.locator("[data-signed-out]")).to_be_visible()
        expect(page.locator("[data-offline-signin-note]")).to_be_visible()
        assert page_caches(page) == {}
        (entry,) = page.evaluate(OUTBOX_ENTRIES)
        assert "csrf" not in entry and entry["user"]
        # The family's home, still without a connection: nothing of the parent's is there any more. The phone shows
        # that there is no connection, or the sign-in page (both are right for somebody signed out; in CI now and
        # then the sign-in page's own navigation was still arriving).
        page.goto(base + "/")
        expect(page.locator("h1")).to_have_text(re.compile(r"^(Ingen forbindelse|Log ind)$"))
        assert page.locator("html[data-offline-saved]").count() == 0
        assert query(live_server, sessions, f=family_id, n=parent)[0][0] == 1  # the server has not heard yet

        # The connection is back: the phone's next contact ends the session on the server too. The kept sign-in
        # page becomes the live one by itself (a reload of ours would race its own).
        page.goto(live_server.url + "/auth/login?signed_out=1")
        back_online(context, live_server)
        expect(page.locator("[data-offline-signin-note]")).to_be_hidden(timeout=30000)
        assert query(live_server, sessions, f=family_id, n=parent)[0][0] == 0
        page.goto(base + "/")
        expect(page).to_have_url(re.compile(r"/auth/login"))

        # The next person signs in on the phone: the parent's answer is not sent under them, however it is tried.
        register_via_link(page, world["links"]["parent_b"], label="Fælles telefon")
        expect(page).to_have_url(re.compile(rf"/families/{world['family_b']}/$"))
        expect(page.locator("[data-outbox-text]")).to_be_hidden()
        cdp_sw, registration = service_worker_registration(context, page, live_server)
        cdp_sw.send(
            "ServiceWorker.dispatchSyncEvent",
            {"origin": live_server.url, "registrationId": registration, "tag": "outbox", "lastChance": False},
        )
        page.wait_for_timeout(1500)
        page.reload()
        assert query(live_server, sent, k=key)[0][0] == 0
        assert len(page.evaluate(OUTBOX_ENTRIES)) == 1
        page.click("[data-signout] button")
        expect(page).to_have_url(re.compile(r"/auth/login"))

        # The parent signs in again on the phone: now it is sent, once, as theirs.
        for credential in cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]:
            if credential["credentialId"] != mine["credentialId"]:
                cdp.send(
                    "WebAuthn.removeCredential",
                    {"authenticatorId": authenticator, "credentialId": credential["credentialId"]},
                )
        sign_in(page)
        expect(page).to_have_url(re.compile(rf"/families/{family}/$"))
        expect(page.locator("[data-outbox-text]")).to_have_text(re.compile(r"^Dit svar er sendt"))
        assert query(live_server, sent, k=key)[0][0] == 1
    finally:
        context.close()
