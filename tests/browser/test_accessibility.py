"""axe-core (WCAG 2.0/2.1 A and AA) on every page of the app, in every state, at phone and desktop width.

One test per role and width: it walks the role's pages, collects axe's violations per page and asserts at the
end that none were found, so one run shows every problem at once. Assertions are on structure, not on Danish
wording (the Danish catalogue may not be compiled when these run).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, add_authenticator, run_axe
from tests.browser.test_passkeys import register_via_link

SECTIONS = ("plan", "meetings", "yearwheel", "network")


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def page(browser, request):
    """A page whose context may inject axe despite the app's CSP, with a virtual passkey authenticator."""
    context = browser.new_context(viewport=request.param, locale="da-DK", bypass_csp=True)
    page = context.new_page()
    add_authenticator(context, page)
    yield page
    context.close()


class Audit:
    """Runs axe on the page as it is now and keeps the violations per page."""

    def __init__(self, page):
        self.page = page
        self.found: dict[str, list[dict]] = {}
        self.checked: list[str] = []

    def check(self, label: str) -> None:
        self.page.wait_for_load_state("load")
        expect(self.page.locator("h1")).to_have_count(1)
        name = f"{label} [{self.page.url}]"
        self.checked.append(name)
        violations = run_axe(self.page)
        if violations:
            self.found[name] = violations

    def visit(self, label: str, url: str, status: int = 200) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == status, (url, response and response.status)
        expect(self.page).to_have_url(url)  # no redirect (to sign-in, say) hid the page meant
        self.check(label)

    def assert_clean(self) -> None:
        report = "\n".join(
            f"{page}:\n" + "\n".join(f"  - {v['id']}: {v['help']} {v['nodes']}" for v in violations)
            for page, violations in self.found.items()
        )
        assert not self.found, f"axe found violations on {len(self.found)} of {len(self.checked)} pages:\n{report}"


def switch_to_english(page) -> None:
    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_anonymous_pages(live_server, page):
    world = live_server.seed()
    base = live_server.url
    audit = Audit(page)

    audit.visit("login", f"{base}/auth/login")
    audit.visit("activate", f"{base}/auth/activate")

    page.fill("#code", "WRONG-CODE")
    page.click("form[method=post] button.button-primary")
    expect(page.locator("#code")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[role=alert][data-autofocus]")).to_be_visible()
    audit.check("activate with a wrong code")

    audit.visit("unknown activation link", f"{base}/auth/activate/not-a-token", status=404)
    expect(page.locator("[role=alert]")).to_be_visible()
    audit.visit("install guide", f"{base}/install")
    audit.visit("offline", f"{base}/offline")
    expect(page.locator("h1")).to_have_text("Ingen forbindelse")
    audit.visit("not found", f"{base}/no-such-page", status=404)

    page.goto(world["links"]["parent_a"]["url"])
    expect(page).to_have_url(re.compile(r"/auth/activate/register$"))
    expect(page.locator("#passkey-label")).to_be_visible()
    audit.check("passkey registration")

    audit.visit("login, English", f"{base}/auth/login")
    switch_to_english(page)
    audit.check("login, English")
    audit.visit("activate, English", f"{base}/auth/activate")

    assert len(audit.checked) == 11
    audit.assert_clean()


def test_parent_pages(live_server, page):
    world = live_server.seed()
    base = live_server.url
    family = world["family_a"]
    audit = Audit(page)

    register_via_link(page, world["links"]["parent_a"])
    expect(page).to_have_url(re.compile(rf"/families/{family}/$"))
    expect(page.locator(".bottom-nav")).to_be_visible()
    audit.check("family home")
    for section in SECTIONS:
        audit.visit(f"section {section}", f"{base}/families/{family}/{section}")
        expect(page.locator(".bottom-nav [aria-current=page]")).to_have_count(1)
    audit.visit("passkeys", f"{base}/auth/passkeys")

    audit.visit("family home, English", f"{base}/families/{family}/")
    switch_to_english(page)
    audit.check("family home, English")
    audit.visit("section plan, English", f"{base}/families/{family}/plan")

    audit.assert_clean()


def test_consultant_pages(live_server, page):
    world = live_server.seed()
    base = live_server.url
    family = world["family_a"]
    audit = Audit(page)

    register_via_link(page, world["links"]["consultant_a"], "Arbejdscomputer")
    expect(page).to_have_url(re.compile(r"/caseload$"))
    audit.check("caseload")
    audit.visit("mirrored family home", f"{base}/families/{family}/")
    expect(page.locator(".mirror-banner")).to_be_visible()
    audit.visit("mirrored section meetings", f"{base}/families/{family}/meetings")
    audit.visit("people", f"{base}/families/{family}/people")

    adult_form = page.locator("form[action$='/people/adults']")
    adult_form.locator("button").click()
    expect(page.locator("#adult-name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[role=alert][data-autofocus]")).to_be_visible()
    audit.check("people with a validation error")

    page.fill("#adult-name", "Peter A")
    page.fill("#adult-relation", "plejefar")
    page.locator("form[action$='/people/adults'] button").click()
    expect(page.locator(".code")).to_be_visible()
    expect(page.locator(".qr")).to_be_visible()
    audit.check("activation issued")

    audit.visit("caseload, English", f"{base}/caseload")
    switch_to_english(page)
    audit.check("caseload, English")

    audit.assert_clean()


def test_admin_pages(live_server, page):
    world = live_server.seed()
    base = live_server.url
    audit = Audit(page)

    register_via_link(page, world["links"]["admin"], "Kontor")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    audit.check("admin")
    audit.visit("admin family", f"{base}/admin/families/{world['family_a']}")
    expect(page.locator("form[action$='/assignments']")).to_be_visible()

    audit.visit("admin", f"{base}/admin/")
    page.locator("form[action$='/admin/consultants'] button").click()
    expect(page.locator("#consultant-name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[role=alert][data-autofocus]")).to_be_visible()
    audit.check("admin with a validation error")

    audit.visit("admin, English", f"{base}/admin/")
    switch_to_english(page)
    audit.check("admin, English")

    audit.assert_clean()
