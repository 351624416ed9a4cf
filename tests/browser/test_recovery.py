"""A lost phone, recovered by two people, in real Chromium with virtual authenticators: the primary consultant
asks, the team leader confirms, the consultant hands out the link once, the parent registers a new phone, and
the old phone, signed out by it, shows at its next sign-in that a new phone was added. The co-consultant never
gets the controls. Every new screen is checked with axe-core."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, add_authenticator
from tests.browser.test_accessibility import Audit
from tests.browser.test_passkeys import register_via_link


def _device(browser, viewport):
    # bypass_csp: axe-core is injected as a script for the checks; the app itself runs under its own CSP.
    context = browser.new_context(viewport=viewport, locale="da-DK", service_workers="block", bypass_csp=True)
    page = context.new_page()
    add_authenticator(context, page)
    return context, page


def test_a_lost_phone_is_recovered_by_two_people_and_the_old_phone_is_told(live_server, browser):
    world = live_server.seed()
    base, family = live_server.url, world["family_a"]
    people = f"{base}/families/{family}/people"
    devices = [_device(browser, size) for size in (PHONE, DESKTOP, DESKTOP, DESKTOP, PHONE)]
    (_c1, old), (_c2, mette), (_c3, lene), (_c4, kim), (_c5, new) = devices
    try:
        register_via_link(old, world["links"]["parent_a"], "Gammel telefon")
        expect(old).to_have_url(re.compile(rf"/families/{family}/$"))

        # The co-consultant sees the family's people, but not one control to vouch for a login.
        register_via_link(kim, world["links"]["co_consultant_a"], "Kontor")
        expect(kim).to_have_url(re.compile(r"/caseload$"))
        kim.goto(people)
        expect(kim.locator("h1")).to_have_count(1)
        expect(kim.locator("form[action*='/activation'], form[action$='/people/adults']")).to_have_count(0)

        # The primary consultant asks; nothing is handed out yet.
        register_via_link(mette, world["links"]["consultant_a"], "Kontor")
        expect(mette).to_have_url(re.compile(r"/caseload$"))
        audit = Audit(mette)
        mette.goto(people)
        mette.locator("form[action*='/activation'] button", has_text="Sara A").click()
        expect(mette.locator(".notice-success")).to_be_visible()
        expect(mette.locator("form[action*='/hand-out']")).to_have_count(0)
        audit.check("people, asked")

        # The team leader confirms on her own page.
        register_via_link(lene, world["links"]["leader"], "Kontor")
        expect(lene).to_have_url(re.compile(r"/leader/$"))
        leader_audit = Audit(lene)
        leader_audit.check("leader, a request to confirm")
        expect(lene.locator("#to-confirm-h")).to_be_visible()
        lene.locator("form[action*='/confirm'] button").click()
        expect(lene.locator(".notice-success")).to_be_visible()
        leader_audit.check("leader, confirmed")

        # Only now the consultant can show the link, once.
        mette.goto(people)
        mette.locator("form[action*='/hand-out'] button").click()
        link = mette.locator(".link-box a").get_attribute("href")
        audit.check("activation shown")
        mette.goto(people)
        expect(mette.locator("form[action*='/hand-out']")).to_have_count(0)

        # Sara registers her new phone with it; the old one was signed out by the hand-out.
        new.goto(link)
        new.fill("#passkey-label", "Ny telefon")
        new.click("[data-passkey-register]")
        expect(new).to_have_url(re.compile(r"/auth/passkeys$"))

        # The old phone signs in again (passkey autofill answers at once) and is told, with whom to call.
        old.goto(f"{base}/families/{family}/")
        expect(old).to_have_url(re.compile(rf"/families/{family}/$"))
        notice = old.locator(".security-notices")
        expect(notice).to_contain_text("Mette A")
        expect(notice).to_contain_text("Lone Leder")
        expect(notice).to_contain_text("+45 99 88 77 66")
        old_audit = Audit(old)
        old_audit.check("home with the notice")
        notice.locator("button").click()
        expect(old.locator(".security-notices")).to_have_count(0)
        expect(old).to_have_url(re.compile(rf"/families/{family}/$"))

        for check in (audit, leader_audit, old_audit):
            check.assert_clean()
    finally:
        for context, _page in devices:
            context.close()
