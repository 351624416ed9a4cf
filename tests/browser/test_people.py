"""Personer og adgang in real Chromium on a laptop: a login for a 13-year-old already in the family is given to
her, never by adding a second Freja; a name already in the family is asked about, and "No, it is another person"
sends the form that was filled in (a button outside the form, by its form attribute). Checked with axe-core."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, add_authenticator
from tests.browser.test_accessibility import Audit
from tests.browser.test_passkeys import register_via_link


def test_a_login_for_freja_13_is_hers_and_a_taken_name_is_asked_about(live_server, browser):
    world = live_server.seed()
    people = f"{live_server.url}/families/{world['family_a']}/people"
    context = browser.new_context(viewport=DESKTOP, locale="da-DK", service_workers="block", bypass_csp=True)
    page = context.new_page()
    add_authenticator(context, page)
    try:
        register_via_link(page, world["links"]["consultant_a"], "Kontor")
        expect(page).to_have_url(re.compile(r"/caseload$"))
        audit = Audit(page)
        page.goto(people)
        page.fill("#child-name", "Freja")
        page.fill("#child-birth_date", date(date.today().year - 13, 1, 2).isoformat())
        page.locator("#add-child-form button").click()
        freja = page.locator("li.person", has=page.locator("strong", has_text=re.compile("^Freja$")))
        expect(freja).to_have_count(1)

        # Mette types Freja into the form for a new adult: she is asked, and "yes" gives the Freja already there
        # the login, with the relation she typed.
        page.fill("#adult-name", "freja")
        page.fill("#adult-relation", "datter")
        page.locator("#add-adult-form > button").click()
        expect(page.locator("#same-person")).to_be_focused()
        expect(page.locator("#adult-relation")).to_have_value("datter")
        audit.check("people, is this the same person")
        page.locator("#same-person form[action$='/login'] button").click()
        expect(page.locator(".code")).to_be_visible()
        page.goto(people)
        expect(freja).to_have_count(1)
        expect(freja.locator("form[action$='/activation']")).to_have_count(1)  # she has a login now
        expect(page.locator("form[action$='/login']")).to_have_count(0)  # Alma (under 11) is offered none

        # A taken name that is someone else: "no" sends the filled-in form and adds them.
        page.fill("#adult-name", "Alma")
        page.fill("#adult-relation", "moster")
        page.locator("#add-adult-form > button").click()
        page.locator("#same-person button[name=adult-different]").click()
        expect(page.locator(".code")).to_be_visible()
        page.goto(people)
        expect(page.locator("li.person strong", has_text=re.compile("^Alma$"))).to_have_count(2)
        audit.assert_clean()
    finally:
        context.close()
