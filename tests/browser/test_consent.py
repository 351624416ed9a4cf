"""Consent on a phone in real Chromium: a parent reads a request, consents with a fresh passkey confirmation (the
virtual authenticator), the partner's link then shows what was consented; the parent withdraws with one tap and a
confirmation, and the same link at once says it no longer works.

Assertions use ids, classes, data attributes and status codes, not the app's wording.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_plan import _signed_in


def test_parent_consents_and_withdraws_and_the_partner_link_follows(live_server, browser):
    world = live_server.seed("--consent-request")
    base = live_server.url
    family = world["family_a"]
    request_id = world["consent_request"]
    partner_link = world["partner_link"]

    parent_context, phone = _signed_in(browser, world["links"]["parent_a"], PHONE, "Min telefon")
    partner_context = browser.new_context(viewport=PHONE, locale="da-DK")
    partner = partner_context.new_page()
    try:
        # Before any consent, the caseworker's link shows nothing.
        assert partner.goto(partner_link).status == 410

        # Make the sign-in old enough that only a fresh passkey confirmation will do.
        live_server.age_sign_ins(minutes=10)
        phone.goto(f"{base}/families/{family}/consent")
        card = phone.locator(f"article[data-request='{request_id}']")
        expect(card.locator("details.consent-text")).to_have_attribute("open", "")  # the exact text is shown
        expect(card.locator("li[data-state='asked']")).to_have_count(2)  # neither parent has answered
        with phone.expect_response(re.compile(r"/auth/confirm/finish$")) as confirmed:
            card.locator("form[data-passkey-confirm] button").click()
        assert confirmed.value.status == 200
        expect(phone).to_have_url(re.compile(rf"/families/{family}/consent/records/[0-9a-f-]{{36}}$"))
        expect(phone.locator(".receipt-hash")).to_contain_text("SHA-256")

        shown = partner.goto(partner_link)
        assert shown.status == 200
        expect(partner.locator("#meetings-h")).to_be_visible()
        expect(partner.locator("#plan-h")).to_have_count(0)  # only what was consented

        # Withdraw: one tap on the same screen, and a confirmation.
        phone.goto(f"{base}/families/{family}/consent")
        card = phone.locator(f"article[data-request='{request_id}']")
        expect(card.locator("li[data-state='given']")).to_have_count(1)
        with phone.expect_response(re.compile(r"/auth/confirm/finish$")) as confirmed:
            card.locator("form[data-passkey-confirm] button.button-danger").click()
        assert confirmed.value.status == 200
        expect(phone).to_have_url(re.compile(r"/consent/records/[0-9a-f-]{36}$"))
        assert partner.goto(partner_link).status == 410

        phone.goto(f"{base}/families/{family}/consent")
        expect(phone.locator(f"article[data-request='{request_id}'] li[data-state='withdrawn']")).to_have_count(1)
        assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        parent_context.close()
        partner_context.close()


def test_the_prompt_closed_changes_nothing(live_server, browser):
    world = live_server.seed("--consent-request")
    base = live_server.url
    context, phone = _signed_in(browser, world["links"]["parent_a"], PHONE, "Min telefon")
    try:
        live_server.age_sign_ins(minutes=10)
        phone.goto(f"{base}/families/{world['family_a']}/consent")
        # The person closes the passkey prompt.
        card = phone.locator(f"article[data-request='{world['consent_request']}']")
        phone.evaluate(
            "() => { navigator.credentials.get = () => Promise.reject(new DOMException('closed', 'NotAllowedError')); }"
        )
        card.locator("form[data-passkey-confirm] button").click()
        expect(card.locator("[data-passkey-error]")).to_be_visible()
        expect(phone).to_have_url(f"{base}/families/{world['family_a']}/consent")
        expect(card.locator("li[data-state='asked']")).to_have_count(2)
    finally:
        context.close()
