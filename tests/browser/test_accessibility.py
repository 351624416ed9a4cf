"""axe-core (WCAG 2.0/2.1 A and AA) on every page of the app, in every state, at phone and desktop width.

One test per role and width: it walks the role's pages, collects axe's violations per page and asserts at the
end that none were found, so one run shows every problem at once. Assertions are on structure, not on Danish
wording (the Danish catalogue may not be compiled when these run).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, add_authenticator, run_axe, switch_to
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
        # WCAG 1.4.10 reflow: nothing may scroll sideways at the width the page was given.
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            violations.append({"id": "horizontal-scroll", "nodes": [], "help": f"page is {overflow}px too wide"})
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
    switch_to(page, "en")


def audit_parent_plan(audit: Audit, base: str, family: str) -> None:
    """The plan's pages as a parent sees them, including the plan after a failed "add goal"."""
    page = audit.page
    plan = f"{base}/families/{family}/plan"
    audit.visit("plan", plan)
    expect(page.locator("#goals article.goal")).not_to_have_count(0)
    expect(page.locator(".private-note")).to_have_count(0)
    audit.visit("plan words", f"{plan}/words")
    expect(page.locator("textarea#dreams")).to_be_visible()
    audit.visit("plan history", f"{plan}/history")
    newest = page.locator("ol.history a").first
    expect(newest).to_be_visible()
    audit.visit("plan revision", base + newest.get_attribute("href"))
    expect(page.locator(".board")).to_be_visible()
    audit.visit("plan print", f"{plan}/print")
    audit.visit("readiness plan", f"{plan}/readiness")

    page.goto(plan)
    add_goal = page.locator("#goals > details.add")
    add_goal.locator("summary").click()
    with page.expect_response(re.compile(r"/plan/goals$")) as failed:
        add_goal.locator("button.button-primary").click()
    assert failed.value.status == 400
    expect(page.locator("#goal-title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[role=alert][data-autofocus]")).to_be_visible()
    expect(page.locator("#goals > details.add")).to_have_attribute("open", "")
    audit.check("plan with a failed goal")


def audit_consultant_plan(audit: Audit, base: str, family: str) -> None:
    """The plan mirrored for the consultant: edit controls, a private note, the edit pages."""
    page = audit.page
    plan = f"{base}/families/{family}/plan"
    audit.visit("mirrored plan", plan)
    expect(page.locator(".mirror-banner")).to_be_visible()
    goal = page.locator("#goals article.goal").first
    expect(goal.locator(".private-note")).to_be_visible()
    expect(page.locator("#agreements a.edit-link")).not_to_have_count(0)
    expect(page.locator("#agreements details.add")).to_have_count(1)

    goal.locator(".private-note a").click()
    expect(page).to_have_url(re.compile(r"/plan/goals/[0-9a-f-]{36}$"))
    expect(page.locator("#private_note")).to_be_visible()
    audit.check("edit goal")
    page.fill("#private_note", "Mor vil gerne have hjælp til morgenerne.")
    page.locator("form:has(#private_note) button.button-primary").click()
    expect(page).to_have_url(re.compile(r"/plan#goal-[0-9a-f-]{36}$"))
    expect(page.locator("#goals .private-note").first).to_contain_text("Mor vil gerne have hjælp")
    audit.check("mirrored plan with a private note")

    page.locator("#agreements a.edit-link").first.click()
    expect(page).to_have_url(re.compile(r"/plan/agreements/[0-9a-f-]{36}$"))
    expect(page.locator("#what")).to_be_visible()
    audit.check("edit agreement")

    page.goto(f"{plan}/history")
    newest = page.locator("ol.history a").first
    audit.visit("plan revision with the stamp form", base + newest.get_attribute("href"))
    expect(page.locator("form #meeting")).to_be_visible()


def _first_meeting_url(page, base: str, family: str) -> str:
    """The address of the family's first coming meeting (the factory's follow-up meeting), from the list."""
    page.goto(f"{base}/families/{family}/meetings")
    link = page.locator("#coming-h ~ .meeting-card h3 a").first
    expect(link).to_be_visible()
    return base + link.get_attribute("href")


def year_wheel(audit: Audit, label: str, base: str, family: str) -> None:
    """The year wheel: the drawn wheel (or, while it is being built, whatever page is there) must be clean."""
    audit.visit(label, f"{base}/families/{family}/yearwheel")
    expect(audit.page.locator(".bottom-nav [aria-current=page]")).to_have_count(1)


def audit_parent_meetings(audit: Audit, base: str, family: str) -> None:
    """A meeting as the family sees it, a reply sent without an answer, and the calendar address.
    (The meetings list and the year wheel are among the sections.)"""
    page = audit.page
    meeting = _first_meeting_url(page, base, family)
    audit.visit("meeting", meeting)
    expect(page.locator("form.reply-form")).to_be_visible()
    expect(page.locator("form[action$='/questions'] [name=text]")).to_be_visible()
    expect(page.locator(".consultant-control")).to_have_count(0)

    reply_form = page.locator("form.reply-form")
    with page.expect_response(re.compile(r"/reply$")) as failed:
        reply_form.locator("button.button-primary").click()
    assert failed.value.status == 400
    expect(page.locator("[role=alert][data-autofocus]")).to_be_focused()
    expect(page.locator("form.reply-form fieldset.field-error #answer-error")).to_be_visible()
    audit.check("meeting with an empty answer")

    audit.visit("calendar", f"{base}/calendar")
    expect(page.locator(".link-box")).to_have_count(0)
    with page.expect_response(re.compile(r"/calendar$")) as made:
        page.locator("form:not([action]) button.button-primary").click()
    assert made.value.status == 200
    expect(page.locator("#calendar-address")).to_have_value(re.compile(r"/calendar/[^/]+\.ics$"))
    expect(page.locator("form[action$='/calendar/revoke']")).to_have_count(1)
    audit.check("calendar with an address")


def audit_consultant_meetings(audit: Audit, base: str, family: str) -> None:
    """The meeting mirrored with the consultant's controls, planning a meeting (also with an end before the start),
    changing it and writing the referat. (The meetings list is checked with the sections.)"""
    page = audit.page
    meeting = _first_meeting_url(page, base, family)
    audit.visit("mirrored meeting", meeting)
    expect(page.locator(".mirror-banner")).to_be_visible()
    expect(page.locator(".consultant-control form[action$='/cancel'] #cancel-reason")).to_be_visible()
    expect(page.locator("form.reply-form")).to_have_count(0)

    new = f"{base}/families/{family}/meetings/new"
    audit.visit("plan a meeting", new)
    expect(page.locator("#day")).to_be_visible()
    day = page.evaluate("() => new Date(Date.now() + 10 * 864e5).toISOString().slice(0, 10)")
    page.fill("#day", day)
    page.fill("#start", "14:00")
    page.fill("#end", "13:00")
    with page.expect_response(re.compile(r"/meetings/new$")) as failed:
        page.locator("main form button.button-primary").click()
    assert failed.value.status == 400
    expect(page).to_have_url(new)
    expect(page.locator("[role=alert]").first).to_be_focused()
    audit.check("plan a meeting that ends before it starts")

    page.goto(meeting)
    page.locator(".consultant-control a[href$='/edit']").click()
    expect(page).to_have_url(f"{meeting}/edit")
    expect(page.locator("#place")).to_have_value("Rådhuset, lokale 2")
    audit.check("change the meeting")

    page.goto(meeting)
    page.locator(".consultant-control a[href$='/referat']").click()
    expect(page).to_have_url(f"{meeting}/referat")
    expect(page.locator("#minutes")).to_be_visible()
    audit.check("write the referat")


def audit_parent_network(audit: Audit, base: str, family: str) -> None:
    """The network's pages as a parent sees them (the map itself is among the sections), and a failed add."""
    page = audit.page
    network = f"{base}/families/{family}/network"
    page.goto(network)
    edit = page.locator("li[data-person] a.edit-link").first
    audit.visit("network person", base + edit.get_attribute("href"))
    expect(page.locator("#name")).to_be_visible()
    audit.visit("network history", f"{network}/history")
    expect(page.locator("svg.netmap")).to_have_count(2)
    audit.visit("family tree", f"{network}/family-tree")
    expect(page.locator(".tree-row")).not_to_have_count(0)
    audit.visit("cases and actors", f"{network}/cases")
    expect(page.locator(".agency-case")).not_to_have_count(0)

    page.goto(network)
    add = page.locator("#add-private")
    add.locator("summary").click()
    with page.expect_response(re.compile(r"/network/people$")) as failed:
        add.locator("button.button-primary").click()
    assert failed.value.status == 400
    expect(page.locator("#private-name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#add-private")).to_have_attribute("open", "")
    audit.check("network map with a failed add")


def audit_consultant_network(audit: Audit, base: str, family: str) -> None:
    """The network mirrored for the consultant: the map, the cases with their form, a case's edit page."""
    page = audit.page
    network = f"{base}/families/{family}/network"
    audit.visit("mirrored network map", network)
    expect(page.locator(".mirror-banner")).to_be_visible()
    audit.visit("mirrored cases", f"{network}/cases")
    expect(page.locator("#add-case")).to_have_count(1)
    page.locator(".agency-case a.edit-link").first.click()
    expect(page).to_have_url(re.compile(r"/network/cases/[0-9a-f-]{36}$"))
    audit.check("edit a case")
    audit.visit("mirrored family tree", f"{network}/family-tree")


def audit_parent_scales(audit: Audit, base: str, family: str, meeting: str) -> None:
    """The scales as a parent sees them: what to fill, the form with sliders (also after a refused send), the
    trend and a sent answer."""
    page = audit.page
    audit.visit("scales", f"{base}/families/{family}/scales")
    fill = f"{base}/families/{family}/scales/fill/wellbeing.m.{meeting}"
    audit.visit("fill a scale", fill)
    expect(page.locator("input.vas-range")).to_have_count(4)

    # The page sends the answer itself (JSON); refused, the form posts the ordinary way and the server's page
    # shows the errors.
    def posted(status):
        return lambda r: "/scales/fill/" in r.url and r.request.method == "POST" and r.status == status

    with page.expect_response(posted(400)):
        page.locator("form[data-scale-form] button.button-primary").click()
    expect(page.locator("[role=alert][data-autofocus]")).to_be_focused()
    audit.check("fill a scale with nothing answered")
    page.locator("[data-skip]").nth(0).check()
    for i in range(1, 4):
        page.locator("input.vas-range").nth(i).focus()
        page.keyboard.press("End")
    with page.expect_response(posted(200)):
        page.locator("form[data-scale-form] button.button-primary").click()
    expect(page).to_have_url(re.compile(r"/scales/answers/[0-9a-f-]{36}$"))
    audit.check("a sent answer")
    audit.visit("scales with a trend", f"{base}/families/{family}/scales")
    expect(page.locator("svg.trend-chart")).not_to_have_count(0)


def audit_consultant_scales(audit: Audit, base: str, family: str) -> None:
    """The scales mirrored for the consultant, an answer with the review form, and the review queue."""
    page = audit.page
    audit.visit("mirrored scales", f"{base}/families/{family}/scales")
    page.locator("ul.answers li a").first.click()
    expect(page).to_have_url(re.compile(r"/scales/answers/[0-9a-f-]{36}$"))
    expect(page.locator("#note")).to_be_visible()
    audit.check("an answer to review")
    audit.visit("review queue", f"{base}/review")


def audit_parent_consent(audit: Audit, base: str, family: str) -> None:
    """The consent centre, a receipt, my data and who has looked, as a parent sees them."""
    page = audit.page
    audit.visit("consent centre", f"{base}/families/{family}/consent")
    expect(page.locator("form[data-passkey-confirm]")).not_to_have_count(0)
    page.locator(".consent-history a").first.click()
    expect(page).to_have_url(re.compile(r"/consent/records/[0-9a-f-]{36}$"))
    audit.check("consent receipt")
    audit.visit("my data", f"{base}/families/{family}/my-data")
    for section in ("you", "family", "plan", "meetings", "your-answers", "consents", "partner-links"):
        audit.visit(f"my data: {section}", f"{base}/families/{family}/my-data/{section}")
    audit.visit("who has looked", f"{base}/families/{family}/who-looked")


def audit_consultant_consent(audit: Audit, base: str, family: str) -> None:
    """The consent centre mirrored with the consultant's forms, a new partner link, and what partners see."""
    page = audit.page
    audit.visit("mirrored consent centre", f"{base}/families/{family}/consent")
    links = page.locator("form[action$='/consent/links']")
    links.locator("select").select_option(label="Lise Lærer (lærer)")
    links.locator("button").click()
    expect(page.locator("[data-partner-link]")).to_be_visible()
    audit.check("a partner link made")
    partner = page.locator("[data-partner-link]").get_attribute("href")
    audit.visit("partner page", partner)
    expect(page.locator("#plan-h")).to_be_visible()
    page.goto(f"{base}/families/{family}/consent")
    links = page.locator("form[action$='/consent/links']")
    links.locator("select").select_option(label="Karsten Berg (sagsbehandler)")
    links.locator("button").click()
    audit.visit("partner link without consent", page.locator("[data-partner-link]").get_attribute("href"), status=410)


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
    world = live_server.seed("--meeting-tomorrow")
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
    audit_parent_plan(audit, base, family)
    audit_parent_meetings(audit, base, family)
    audit_parent_network(audit, base, family)
    audit_parent_scales(audit, base, family, world["meeting_tomorrow"])
    audit_parent_consent(audit, base, family)

    audit.visit("family home, English", f"{base}/families/{family}/")
    switch_to_english(page)
    audit.check("family home, English")
    audit.visit("section plan, English", f"{base}/families/{family}/plan")

    assert len(audit.checked) == 41  # with seven sections of Mine oplysninger
    audit.assert_clean()


@pytest.mark.parametrize("code", ["ar", "uk"])
def test_parent_pages_in_arabic_and_ukrainian(live_server, page, code):
    """The family's screens in a right-to-left language and in one more left-to-right one: axe-clean too."""
    world = live_server.seed("--meeting-tomorrow", "--consent-request")
    base = live_server.url
    family = world["family_a"]
    audit = Audit(page)
    register_via_link(page, world["links"]["parent_a"])
    expect(page).to_have_url(re.compile(rf"/families/{family}/$"))
    switch_to(page, code)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if code == "ar" else "ltr")
    audit.check(f"family home, {code}")
    audit.visit(f"language menu, {code}", f"{base}/language")
    for section in SECTIONS:
        audit.visit(f"section {section}, {code}", f"{base}/families/{family}/{section}")
    audit.visit(f"meeting, {code}", f"{base}/families/{family}/meetings/{world['meeting_tomorrow']}")
    audit.visit(f"scales, {code}", f"{base}/families/{family}/scales")
    audit.visit(f"consent, {code}", f"{base}/families/{family}/consent")
    audit.visit(f"my data, {code}", f"{base}/families/{family}/my-data")
    assert len(audit.checked) == 10
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
    expect(page.locator("#phase form select[name=phase]")).to_be_visible()  # the phase form, for the consultant only
    audit_consultant_plan(audit, base, family)
    audit.visit("mirrored section meetings", f"{base}/families/{family}/meetings")
    year_wheel(audit, "mirrored year wheel", base, family)
    audit_consultant_meetings(audit, base, family)
    audit_consultant_network(audit, base, family)
    audit_consultant_scales(audit, base, family)
    audit_consultant_consent(audit, base, family)
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
    # Searched from its form (no JavaScript needed): nobody matches, and the way back to all families.
    page.fill("#caseload-q", "عائلة ✱ 100%")
    page.locator("form[role=search] button").click()
    expect(page.locator(".card.empty")).to_be_visible()
    audit.check("caseload, nothing found")

    assert len(audit.checked) == 31
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


def test_operator_pages(live_server, page):
    """The national operator signs in with a passkey, adds a municipality (a mistake first) and its admin."""
    world = live_server.seed()
    base = live_server.url
    audit = Audit(page)

    register_via_link(page, world["links"]["operator"], "Kontor")
    expect(page).to_have_url(re.compile(r"/operator/$"))
    audit.check("operator")
    page.fill("#municipality-name", "Thisted Kommune")
    page.fill("#municipality-code", "Thisted Kommune")
    page.locator("form[action$='/operator/municipalities'] button").click()
    expect(page.locator("#municipality-code")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#municipality-name")).to_have_value("Thisted Kommune")
    audit.check("operator with a validation error")
    page.fill("#municipality-code", "thisted")
    page.locator("form[action$='/operator/municipalities'] button").click()
    expect(page.locator("main")).to_contain_text("thisted")
    page.select_option("#admin-municipality", label="Thisted Kommune")
    page.fill("#admin-name", "Tove Thomsen")
    page.locator("form[action$='/operator/admins'] button").click()
    expect(page.locator("h1")).to_contain_text("Tove Thomsen")
    audit.check("operator, the admin's activation")
    audit.visit("operator, English", f"{base}/operator/")
    switch_to_english(page)
    audit.check("operator, English")
    audit.assert_clean()
