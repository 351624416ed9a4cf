"""Passkeys end to end in real Chromium with a virtual authenticator: nothing is mocked."""

from __future__ import annotations

import re

from flask import Flask
from flask_babel import Babel, force_locale
from playwright.sync_api import expect

from familyapp.auth.messages import MESSAGES
from familyapp.config import Defaults
from tests.browser.conftest import switch_to


def in_danish(text) -> str:
    """A message as the live server shows it in Danish (its English source until it is translated)."""
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = Defaults.BABEL_TRANSLATION_DIRECTORIES
    Babel(app)
    with app.app_context(), force_locale("da"):
        return str(text)


def register_via_link(page, link: dict, label: str = "Min telefon") -> None:
    page.goto(link["url"])
    expect(page).to_have_url(re.compile(r"/auth/activate/register$"))
    page.fill("#passkey-label", label)
    page.click("[data-passkey-register]")


def sign_out(page) -> None:
    page.click("[data-signout] button")
    expect(page).to_have_url(re.compile(r"/auth/login\?signed_out=1$"))


def sign_in(page) -> None:
    page.click("[data-passkey-login]")


def without_autofill(page) -> None:
    """Chromium's virtual authenticator answers an autofill (conditional) request at once; hide that API so
    that the page offers only the button, as in browsers without passkey autofill."""
    page.add_init_script("delete PublicKeyCredential.isConditionalMediationAvailable")


def test_parent_activates_signs_out_and_signs_in(live_server, phone):
    world = live_server.seed()
    page = phone
    register_via_link(page, world["links"]["parent_a"])
    expect(page).to_have_url(re.compile(rf"/families/{world['family_a']}/$"))
    expect(page.locator("h1")).to_contain_text("Hej, Sara")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    cdp, authenticator = page.authenticator
    creds = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(creds) == 1 and creds[0]["isResidentCredential"]

    # The link is spent: opening it again says it cannot be used (as for any unusable link) and creates nothing.
    page.goto(world["links"]["parent_a"]["url"])
    expect(page.locator("[role=alert]")).to_have_text(in_danish(MESSAGES["activation_invalid"]))

    page.goto(live_server.url + "/")
    switch_to(page, "en")
    expect(page.locator("h1")).to_contain_text("Hello, Sara")

    with page.expect_response(re.compile(r"/auth/logout$")) as logout:
        page.click("[data-signout] button")
    assert logout.value.status == 302
    # Passkey autofill (conditional UI): the sign-in page asks at once, the virtual authenticator answers
    # with the parent's passkey (a person would pick it from the suggestions), and the home screen opens.
    expect(page).to_have_url(re.compile(rf"/families/{world['family_a']}/$"))
    # The language choice was saved on the user, not only in the old session.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Another family's page is simply not there.
    response = page.goto(live_server.url + f"/families/{world['family_b']}/")
    assert response.status == 404


def test_activation_by_typed_code(live_server, phone):
    world = live_server.seed()
    page = phone
    page.goto(live_server.url + "/auth/login")
    page.click("text=Jeg har en kode")
    page.fill("#code", world["links"]["parent_b"]["code"].lower().replace("-", " "))
    page.click("button:has-text('Fortsæt')")
    expect(page.locator("h1")).to_contain_text("Velkommen, Maria B")
    page.click("[data-passkey-register]")
    expect(page).to_have_url(re.compile(rf"/families/{world['family_b']}/$"))


def test_consultant_sees_only_own_families_and_the_mirrored_view(live_server, browser):
    world = live_server.seed()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    from tests.browser.conftest import add_authenticator

    add_authenticator(context, page)
    without_autofill(page)
    register_via_link(page, world["links"]["consultant_a"], "Arbejdscomputer")
    expect(page).to_have_url(re.compile(r"/caseload$"))
    expect(page.get_by_role("link", name="Familien A").first).to_be_visible()
    expect(page.get_by_text("Familien B")).to_have_count(0)
    switch_to(page, "en")
    sign_out(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the sign-in page keeps the chosen language
    sign_in(page)
    expect(page).to_have_url(re.compile(r"/caseload$"))
    page.get_by_role("link", name="Familien A").first.click()
    expect(page.locator(".mirror-banner")).to_contain_text("You are seeing the family's view")
    switch_to(page, "da")
    expect(page.locator(".mirror-banner")).to_contain_text("Du ser familiens visning")
    expect(page.locator(".bottom-nav")).to_be_visible()
    response = page.goto(live_server.url + f"/families/{world['family_b']}/")
    assert response.status == 404
    context.close()


def test_cancelled_prompt_keeps_the_activation(live_server, browser):
    """Without an authenticator the prompt fails; the person gets a calm message and can try again."""
    world = live_server.seed()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="da-DK")
    page = context.new_page()
    from tests.browser.conftest import add_authenticator

    cdp, authenticator = add_authenticator(context, page)
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": False})
    register_via_link(page, world["links"]["parent_a"])
    expect(page.locator("[data-passkey-error]")).to_be_visible()
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": True})
    page.click("[data-passkey-register]")
    expect(page).to_have_url(re.compile(rf"/families/{world['family_a']}/$"))
    context.close()


def test_browser_without_passkeys_gets_a_plain_message(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="da-DK")
    page = context.new_page()
    page.add_init_script("delete window.PublicKeyCredential")
    page.goto(live_server.url + "/auth/login")
    expect(page.locator("[data-no-webauthn]")).to_be_visible()
    expect(page.locator("[data-passkey-login]")).to_be_disabled()
    context.close()
