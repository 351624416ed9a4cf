"""Meetings end to end in real Chromium: a parent on a phone answers and asks, the consultant sees it in the
caseload; and a parent's private calendar address, made, fetched and stopped.

Selectors are ids, names and classes; the texts asserted on are the factory's (make_meeting) and the ones the
test itself typed, never the app's own Danish or English wording (it may not be translated yet).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_plan import _signed_in

MEETING = r"[0-9a-f-]{36}"


def test_parent_answers_and_asks_on_a_phone_and_the_consultant_sees_it(live_server, browser):
    world = live_server.seed()
    base = live_server.url
    family = world["family_a"]
    question = f"Kan Alma komme med? {uuid.uuid4().hex[:8]}"

    parent_context, parent = _signed_in(browser, world["links"]["parent_a"], PHONE, "Min telefon")
    consultant_context = None
    try:
        expect(parent).to_have_url(re.compile(rf"/families/{family}/$"))

        # The next meeting on the home screen: why, and who comes (the factory's meeting).
        card = parent.locator(".next-meeting")
        expect(card).to_be_visible()
        expect(card).to_contain_text("Vi ser på planen")
        expect(card).to_contain_text("Lise Lærer")
        expect(card).to_contain_text("Rådhuset, lokale 2")

        # The card's button opens the meeting at the answers.
        card.locator("a.button").click()
        expect(parent).to_have_url(re.compile(rf"/families/{family}/meetings/{MEETING}#answers$"))
        meeting_url = parent.url.split("#")[0]
        expect(parent.locator("h1")).to_have_count(1)
        expect(parent.locator(".mirror-banner")).to_have_count(0)
        expect(parent.locator(".consultant-control")).to_have_count(0)

        # Answer: coming.
        reply_form = parent.locator("form.reply-form")
        expect(reply_form).to_be_visible()
        reply_form.locator("input[name=answer][value=coming]").check()
        with parent.expect_response(re.compile(r"/reply$")) as replied:
            reply_form.locator("button.button-primary").click()
        assert replied.value.status == 302
        expect(parent).to_have_url(meeting_url)
        expect(parent.locator("[role=alert]")).to_have_count(0)
        expect(parent.locator("#answers ul.plain-list > li")).to_have_count(1)  # the answer is listed

        # A question for the meeting, shown on the page afterwards.
        question_form = parent.locator("form[action$='/questions']")
        question_form.locator("[name=text]").fill(question)
        with parent.expect_response(re.compile(r"/questions$")) as asked:
            question_form.locator("button").click()
        assert asked.value.status == 302
        expect(parent).to_have_url(meeting_url)
        expect(parent.locator("#answers")).to_contain_text(question)

        # The consultant's caseload: the family has answers waiting.
        consultant_context, consultant = _signed_in(browser, world["links"]["consultant_a"], DESKTOP, "Arbejdscomputer")
        expect(consultant).to_have_url(re.compile(r"/caseload$"))
        row = consultant.locator(".family-list > li").filter(has=consultant.locator(f"a[href$='/families/{family}/']"))
        expect(row).to_have_count(1)
        expect(row.locator(".tag-waiting")).to_be_visible()

        # From the caseload to the family's meetings, and to the meeting: the parent's question is there.
        row.locator(f"a[href$='/families/{family}/meetings']").click()
        expect(consultant).to_have_url(f"{base}/families/{family}/meetings")
        meeting_path = meeting_url.removeprefix(base)
        consultant.locator(f".meeting-card a[href='{meeting_path}']").first.click()
        expect(consultant).to_have_url(meeting_url)
        expect(consultant.locator(".mirror-banner")).to_be_visible()
        expect(consultant.locator(".consultant-control")).to_be_visible()
        expect(consultant.locator("#answers")).to_contain_text(question)
        expect(consultant.locator("form.reply-form")).to_have_count(0)  # answering is for the family

        # Opening the meeting marks nothing: the answer and the question are new until the consultant says so.
        expect(consultant.locator("#answers .tag-waiting")).to_have_count(2)
        with consultant.expect_response(re.compile(r"/seen$")) as seen:
            consultant.locator("form.mark-seen button").click()
        assert seen.value.status == 302
        expect(consultant).to_have_url(f"{meeting_url}#answers")
        expect(consultant.locator("#answers .tag-waiting")).to_have_count(0)
        expect(consultant.locator("form.mark-seen")).to_have_count(0)

        # Seen: the waiting tag is gone from the caseload.
        consultant.goto(f"{base}/caseload")
        row = consultant.locator(".family-list > li").filter(has=consultant.locator(f"a[href$='/families/{family}/']"))
        expect(row).to_have_count(1)
        expect(row.locator(".tag-waiting")).to_have_count(0)
    finally:
        parent_context.close()
        if consultant_context is not None:
            consultant_context.close()


def test_parent_makes_fetches_and_stops_a_calendar_address(live_server, browser):
    world = live_server.seed()
    base = live_server.url
    context, page = _signed_in(browser, world["links"]["parent_a"], PHONE, "Min telefon")
    try:
        response = page.goto(f"{base}/calendar")
        assert response is not None and response.status == 200
        expect(page.locator(".link-box")).to_have_count(0)
        expect(page.locator("form[action$='/calendar/revoke']")).to_have_count(0)

        make = page.locator("form:not([action])")
        expect(make).to_have_count(1)
        with page.expect_response(re.compile(r"/calendar$")) as made:
            make.locator("button.button-primary").click()
        assert made.value.status == 200
        assert "no-store" in (made.value.headers.get("cache-control") or "")
        # The address, shown once in a field to select or copy, and as a webcal:// link for the phone's calendar.
        field = page.locator("#calendar-address")
        expect(field).to_have_value(re.compile(rf"^{re.escape(base)}/calendar/[^/]+\.ics$"))
        address = field.input_value().strip()
        assert page.locator("#calendar-subscribe").get_attribute("href") == "webcal://" + address.split("://", 1)[1]

        feed = page.request.get(address)
        assert feed.status == 200
        assert feed.headers["content-type"].startswith("text/calendar")
        body = feed.text()
        assert "BEGIN:VCALENDAR" in body
        assert "BEGIN:VEVENT" in body
        # By default only the kind of meeting and the time: not the place or why.
        assert "Rådhuset" not in body
        assert "Vi ser på planen" not in body

        # Stop it: the same address is gone at once.
        revoke = page.locator("form[action$='/calendar/revoke']")
        expect(revoke).to_have_count(1)
        with page.expect_response(re.compile(r"/calendar/revoke$")) as revoked:
            revoke.locator("button").click()
        assert revoked.value.status == 302
        expect(page).to_have_url(f"{base}/calendar")
        expect(page.locator(".link-box")).to_have_count(0)
        expect(page.locator("form[action$='/calendar/revoke']")).to_have_count(0)
        gone = page.request.get(address)
        assert gone.status == 404
        assert "BEGIN:VEVENT" not in gone.text()
    finally:
        context.close()


def test_a_parent_subscribes_to_the_calendar_from_a_phone(live_server, browser):
    world = live_server.seed()
    base = live_server.url
    family = world["family_a"]
    context, parent = _signed_in(browser, world["links"]["parent_a"], {"width": 375, "height": 740}, "Min telefon")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    try:
        parent.goto(f"{base}/families/{family}/meetings")
        parent.locator("main a[href='/calendar']").click()
        expect(parent).to_have_url(f"{base}/calendar")
        # The family's navigation, with the meetings as the current page, like every family page.
        expect(parent.locator(f".bottom-nav a[href='/families/{family}/meetings']")).to_have_attribute(
            "aria-current", "page"
        )
        expect(parent.locator(".bottom-nav")).to_be_visible()
        parent.locator("main form button.button-primary").click()

        subscribe = parent.locator("#calendar-subscribe")
        expect(subscribe).to_be_visible()
        field = parent.locator("#calendar-address")
        address = field.input_value()
        assert address.startswith(f"{base}/calendar/") and address.endswith(".ics")
        assert subscribe.get_attribute("href") == "webcal://" + address.split("://", 1)[1]

        copy = parent.locator("button[data-copy]")
        confirmation = parent.locator("[data-copied]")
        expect(confirmation).to_be_hidden()
        copy.click()
        expect(confirmation).to_be_visible()
        assert parent.evaluate("navigator.clipboard.readText()") == address
        # Nothing on the page is wider than the phone, and the address is not cut off from selection.
        assert parent.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert field.evaluate("el => el.readOnly && el.getBoundingClientRect().right <= window.innerWidth")
    finally:
        context.close()


def test_moving_a_work_meeting_in_the_browser_keeps_its_type_and_mode(live_server, browser):
    """The consultant plans a work meeting by video, then moves it an hour: the edit form opens on the meeting's
    own type and mode, and after saving it is still a work meeting by video (it used to become the first choice,
    a start meeting in person)."""
    world = live_server.seed()
    base, family = live_server.url, world["family_a"]
    purpose = f"Skole og jobcenter {uuid.uuid4().hex[:8]}"
    context, page = _signed_in(browser, world["links"]["consultant_a"], DESKTOP, "Arbejdscomputer")
    try:
        page.goto(f"{base}/families/{family}/meetings/new")
        page.select_option("select[name=type]", "work")
        page.select_option("select[name=mode]", "video")
        page.fill("input[name=day]", (date.today() + timedelta(days=20)).isoformat())
        page.fill("input[name=start]", "09:00")
        page.fill("input[name=end]", "10:00")
        page.fill("textarea[name=purpose]", purpose)
        page.locator("form.card button.button-primary").click()
        expect(page).to_have_url(re.compile(rf"/families/{family}/meetings/{MEETING}$"))
        meeting_url = page.url

        page.goto(f"{meeting_url}/edit")
        expect(page.locator("select[name=type]")).to_have_value("work")
        expect(page.locator("select[name=mode]")).to_have_value("video")
        page.fill("input[name=start]", "10:00")
        page.fill("input[name=end]", "11:00")
        page.locator("form.card button.button-primary").click()
        expect(page).to_have_url(meeting_url)

        page.goto(f"{meeting_url}/edit")
        expect(page.locator("select[name=type]")).to_have_value("work")
        expect(page.locator("select[name=mode]")).to_have_value("video")
        expect(page.locator("input[name=start]")).to_have_value("10:00")
    finally:
        context.close()
