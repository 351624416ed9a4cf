"""Familiens plan end to end in real Chromium: a parent on a phone, the consultant in the mirrored view.

Selectors are ids, names and classes, and the texts asserted on are the ones the test itself typed: the new
strings of the plan may not be translated yet, so no Danish or English wording of the app is asserted.
"""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, add_authenticator
from tests.browser.test_passkeys import register_via_link, without_autofill


def _signed_in(browser, link: dict, viewport: dict, label: str):
    """A new browser context whose person has registered a passkey from the activation link; (context, page)."""
    context = browser.new_context(viewport=viewport, locale="da-DK")
    page = context.new_page()
    add_authenticator(context, page)
    without_autofill(page)
    register_via_link(page, link, label)
    # Registration finishes in script and then opens the person's start page; wait for it.
    expect(page).to_have_url(re.compile(r"/(caseload|families/[0-9a-f-]{36}/)$"))
    return context, page


def _goal(page, title: str):
    """The goal's article on the plan page, found by the title the test typed."""
    return page.locator("#goals article.goal").filter(has=page.locator("h3", has_text=title))


def _submit(form) -> None:
    form.locator("button.button-primary").click()


def test_parent_adds_goal_and_step_on_a_phone_and_consultant_keeps_a_private_note(live_server, browser):
    world = live_server.seed()
    base = live_server.url
    family = world["family_a"]
    plan_url = f"{base}/families/{family}/plan"
    title = f"Sove igennem {uuid.uuid4().hex[:6]}"
    green = "Alma sover i sin egen seng hele natten"
    step_text = "Læse en godnathistorie kl. 19"
    note = f"Privat-note-{uuid.uuid4().hex}"

    parent_context, parent = _signed_in(browser, world["links"]["parent_a"], PHONE, "Min telefon")
    consultant_context, consultant = None, None
    try:
        expect(parent).to_have_url(re.compile(rf"/families/{family}/$"))

        # The plan from the bottom navigation.
        nav = parent.locator(".bottom-nav")
        expect(nav).to_be_visible()
        nav.locator(f"a[href$='/families/{family}/plan']").click()
        expect(parent).to_have_url(plan_url)
        expect(parent.locator(".bottom-nav a[aria-current=page]")).to_have_attribute("href", re.compile(r"/plan$"))
        expect(parent.locator(".mirror-banner")).to_have_count(0)
        expect(parent.locator(".private-note")).to_have_count(0)
        expect(_goal(parent, "Op til tiden")).to_have_count(1)  # the seeded goal

        # Add a goal: the <details> after the goals, with the goal's words and what green looks like.
        add_goal = parent.locator("#goals > details.add")
        expect(add_goal).to_have_count(1)
        form = add_goal.locator("form")
        expect(form).to_be_hidden()
        add_goal.locator("summary").click()
        expect(form).to_be_visible()
        form.locator("#goal-title").fill(title)
        form.locator("#goal-green_looks_like").fill(green)
        with parent.expect_response(re.compile(r"/plan/goals$")) as added:
            _submit(form)
        assert added.value.status == 302
        expect(parent).to_have_url(re.compile(rf"/families/{family}/plan#goals$"))
        goal = _goal(parent, title)
        expect(goal).to_have_count(1)
        expect(goal).to_contain_text(green)
        goal_id = (goal.get_attribute("id") or "").removeprefix("goal-")
        assert goal_id

        # A small step in the parent's own words, from the goal's own <details>.
        add_step = goal.locator("details.add")
        expect(add_step).to_have_count(1)
        add_step.locator("summary").click()
        step_input = add_step.locator(f"[name='step-{goal_id}-text']")
        expect(step_input).to_be_visible()
        step_input.fill(step_text)
        _submit(add_step.locator("form"))
        expect(parent).to_have_url(re.compile(rf"/plan#goal-{goal_id}$"))
        step = _goal(parent, title).locator("ul.steps li").filter(has_text=step_text)
        expect(step).to_have_count(1)
        check = step.locator("button.check")
        expect(check).to_have_attribute("aria-pressed", "false")

        # Tick it off: the page comes back with the step marked done.
        check.click()
        expect(parent).to_have_url(re.compile(rf"/plan#goal-{goal_id}$"))
        step = _goal(parent, title).locator("ul.steps li").filter(has_text=step_text)
        expect(step.locator("button.check")).to_have_attribute("aria-pressed", "true")
        expect(step).to_have_class(re.compile(r"\bdone\b"))

        # The print view has the goal and the step.
        parent.locator(".plan-links a[data-print-link]").click()
        expect(parent).to_have_url(f"{plan_url}/print")
        board = parent.locator(".board")
        expect(board.locator(".goal h3", has_text=title)).to_have_count(1)
        expect(board).to_contain_text(green)
        expect(board.locator("ul.steps li.done", has_text=step_text)).to_have_count(1)

        # The consultant opens the same family's plan: the mirrored view with the parent's goal.
        consultant_context, consultant = _signed_in(browser, world["links"]["consultant_a"], DESKTOP, "Arbejdscomputer")
        expect(consultant).to_have_url(re.compile(r"/caseload$"))
        consultant.goto(plan_url)
        expect(consultant.locator(".mirror-banner")).to_be_visible()
        cgoal = _goal(consultant, title)
        expect(cgoal).to_have_count(1)
        expect(cgoal.locator("ul.steps li.done", has_text=step_text)).to_have_count(1)
        expect(cgoal.locator(".private-note")).to_be_visible()
        assert note not in consultant.content()

        # Edit the goal and write a private note.
        cgoal.locator(f".private-note a[href$='/plan/goals/{goal_id}']").click()
        expect(consultant).to_have_url(f"{plan_url}/goals/{goal_id}")
        expect(consultant.locator(".mirror-banner")).to_be_visible()
        expect(consultant.locator("#title")).to_have_value(title)
        consultant.fill("#private_note", note)
        edit_form = consultant.locator("form").filter(has=consultant.locator("#private_note"))
        with consultant.expect_response(re.compile(rf"/plan/goals/{goal_id}$")) as saved:
            _submit(edit_form)
        assert saved.value.status == 302
        expect(consultant).to_have_url(re.compile(rf"/plan#goal-{goal_id}$"))
        expect(_goal(consultant, title).locator(".private-note")).to_contain_text(note)

        # The parent reloads: the note is nowhere in the HTML of the plan, the print view or the history.
        response = parent.goto(plan_url)
        assert response is not None and response.status == 200
        expect(_goal(parent, title)).to_have_count(1)
        expect(parent.locator(".private-note")).to_have_count(0)
        assert note not in response.text()
        assert note not in parent.content()

        response = parent.goto(f"{plan_url}/print")
        assert response is not None and response.status == 200
        expect(parent.locator(".board .goal h3", has_text=title)).to_have_count(1)
        assert note not in response.text()
        assert note not in parent.content()

        response = parent.goto(f"{plan_url}/history")
        assert response is not None and response.status == 200
        assert note not in response.text()
        revisions = parent.locator("ol.history a[href*='/plan/history/']")
        expect(revisions.first).to_be_visible()
        hrefs = [revisions.nth(i).get_attribute("href") for i in range(revisions.count())]
        assert len(hrefs) >= 6  # the seeded plan (5 changes), goal, step, tick, the consultant's edit
        revisions.first.click()  # the newest: the consultant's edit of the goal
        expect(parent).to_have_url(re.compile(r"/plan/history/[0-9a-f-]{36}$"))
        expect(parent.locator(".board .goal h3", has_text=title)).to_have_count(1)
        assert note not in parent.content()
        for href in hrefs:  # and no older version either, as the server sends it
            kept = parent.request.get(base + href)
            assert kept.status == 200, href
            assert note not in kept.text(), href
    finally:
        parent_context.close()
        if consultant_context is not None:
            consultant_context.close()


def _conflict_on_words(live_server, browser, parent_text: str, consultant_text: str):
    """Parent and consultant open the words form on the same version; the consultant saves first, then the
    parent. Returns both contexts and pages, the parent's on the conflict page."""
    world = live_server.seed()
    words_url = f"{live_server.url}/families/{world['family_a']}/plan/words"
    parent_context, parent = _signed_in(browser, world["links"]["parent_a"], PHONE, "Min telefon")
    consultant_context, consultant = _signed_in(browser, world["links"]["consultant_a"], DESKTOP, "Arbejdscomputer")
    for page in (parent, consultant):
        response = page.goto(words_url)
        assert response is not None and response.status == 200
        expect(page.locator("#dreams")).to_be_visible()
        expect(page.locator("[role=alert]")).to_have_count(0)

    consultant.fill("#dreams", consultant_text)
    with consultant.expect_response(re.compile(r"/plan/words$")) as first:
        _submit(consultant.locator("form").filter(has=consultant.locator("#dreams")))
    assert first.value.status == 302
    expect(consultant).to_have_url(re.compile(r"/plan#dreams$"))
    expect(consultant.locator("#dreams")).to_contain_text(consultant_text)

    parent.fill("#dreams", parent_text)
    with parent.expect_response(re.compile(r"/plan/words$")) as second:
        _submit(parent.locator("form").filter(has=parent.locator("#dreams")))
    assert second.value.status == 409
    expect(parent).to_have_url(words_url)
    return parent_context, parent, consultant_context, consultant


def test_words_conflict_keeps_both_texts(live_server, browser):
    consultant_text = f"Konsulentens ord {uuid.uuid4().hex[:8]}"
    parent_text = f"Forælderens egne ord {uuid.uuid4().hex[:8]}"
    parent_context, parent, consultant_context, consultant = _conflict_on_words(
        live_server, browser, parent_text, consultant_text
    )
    try:
        alert = parent.locator("[role=alert]")
        expect(alert).to_have_count(1)
        expect(alert).to_be_visible()
        expect(alert).to_be_focused()
        # The parent's text is still in the textarea, and the consultant's is shown as the current version.
        expect(parent.locator("#dreams")).to_have_value(parent_text)
        current = parent.locator("section[aria-labelledby=current-h]")
        expect(current).to_be_visible()
        expect(current).to_contain_text(consultant_text)
        assert parent_text not in current.inner_text()

        # Nothing was overwritten: the plan still has the consultant's words.
        consultant.reload()
        expect(consultant.locator("#dreams")).to_contain_text(consultant_text)
        assert parent_text not in consultant.content()
    finally:
        parent_context.close()
        consultant_context.close()


def test_saving_again_after_a_conflict_keeps_the_parents_words(live_server, browser):
    consultant_text = f"Konsulentens ord {uuid.uuid4().hex[:8]}"
    parent_text = f"Forælderens egne ord {uuid.uuid4().hex[:8]}"
    parent_context, parent, consultant_context, _consultant = _conflict_on_words(
        live_server, browser, parent_text, consultant_text
    )
    try:
        # The conflict page says: compare, then save again. The form now carries the current version.
        with parent.expect_response(re.compile(r"/plan/words$")) as third:
            _submit(parent.locator("form").filter(has=parent.locator("#dreams")))
        assert third.value.status == 302
        expect(parent.locator("#dreams")).to_contain_text(parent_text)
    finally:
        parent_context.close()
        consultant_context.close()


#: The phone of the issue: 375 × 740.
SMALL_PHONE = {"width": 375, "height": 740}
#: An A4 page in PDF points (210 × 297 mm), as Chromium writes it.
A4_POINTS = (595.0, 842.0)


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size (width, height in points) of each page of a PDF that Chromium made."""
    return [
        (float(w), float(h))
        for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)  # one per page in Chromium's PDFs
    ]


def test_print_button_on_the_plan_prints_one_a4_page_with_the_date(live_server, browser):
    """A parent on a 375 px phone and the consultant on a laptop both find "Print / gem som PDF" on the plan; it
    opens the one-page plan and the browser's print (a stub here counts the calls), the page's own button prints
    again, and printed it is one A4 page that says the day it was printed."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    world = live_server.seed()
    plan_url = f"{live_server.url}/families/{world['family_a']}/plan"
    today = datetime.now(ZoneInfo("Europe/Copenhagen")).date().isoformat()
    for who, viewport in (("parent_a", SMALL_PHONE), ("consultant_a", DESKTOP)):
        context, page = _signed_in(browser, world["links"][who], viewport, who)
        try:
            context.add_init_script("window.__printed = 0; window.print = function () { window.__printed += 1; };")
            page.goto(plan_url)
            button = page.locator("a.button[data-print-link]")
            expect(button).to_have_count(1)
            expect(button).to_be_in_viewport()  # on the first screen, without scrolling
            button.click()
            expect(page).to_have_url(f"{plan_url}/print")  # the #print that asked for the print is gone again
            page.wait_for_function("window.__printed === 1")

            again = page.locator("button[data-print]")
            expect(again).to_be_visible()
            again.click()
            page.wait_for_function("window.__printed === 2")
            expect(page.locator(".print-header time")).to_have_attribute("datetime", today)

            page.emulate_media(media="print")
            expect(again).to_be_hidden()
            expect(page.locator(".print-header time")).to_be_visible()
            pages = _pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True))
            assert len(pages) == 1, pages
            assert all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in pages), pages

            # Without script (the same sign-in), the page says how to print and shows no button that does nothing.
            plain = browser.new_context(
                viewport=viewport, locale="da-DK", java_script_enabled=False, storage_state=context.storage_state()
            )
            try:
                bare = plain.new_page()
                bare.goto(f"{plan_url}/print")
                expect(bare.locator("[data-print-hint]")).to_be_visible()
                expect(bare.locator("button[data-print]")).to_be_hidden()
            finally:
                plain.close()
        finally:
            context.close()
