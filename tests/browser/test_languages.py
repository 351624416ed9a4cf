"""A parent reads the app in Arabic on a phone, right to left, and hears the next meeting read aloud (issue 15).

Real Chromium at 375 and 320 px. The phone's speech synthesis is replaced by a stand-in that records what it is
given (the test cannot listen), before any page loads. Assertions use attributes, positions and the texts the
test reads from the page itself, not the app's wording.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import switch_to
from tests.browser.test_offline import fill_typed, query
from tests.browser.test_phone_shell import parent_on_phone

#: speechSynthesis with the given voices; every utterance spoken is kept in window.__spoken.
STUB_SPEECH = """
(() => {
  const voices = %s;
  window.__spoken = [];
  class Utterance { constructor(text) { this.text = text; this.lang = ""; this.voice = null; } }
  window.SpeechSynthesisUtterance = Utterance;
  Object.defineProperty(window, "speechSynthesis", { configurable: true, value: {
    getVoices: () => voices,
    speak: (u) => { window.__spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.name }); },
    cancel: () => {},
    addEventListener: () => {},
    onvoiceschanged: null,
  }});
})();
"""


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_a_parent_reads_arabic_right_to_left_and_hears_the_next_meeting(live_server, browser):
    world = live_server.seed("--meeting-tomorrow", "--consent-request")
    family, meeting = world["family_a"], world["meeting_tomorrow"]
    context, page = parent_on_phone(browser, world)
    context.add_init_script(STUB_SPEECH % '[{"name": "Maged", "lang": "ar-SA"}, {"name": "Sara", "lang": "da-DK"}]')
    try:
        switch_to(page, "ar")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        # The bottom navigation runs right to left: its first item is the rightmost.
        items = page.locator(".bottom-nav li")
        first, last = items.first.bounding_box(), items.last.bounding_box()
        assert first["x"] > last["x"]
        for width in (375, 320):
            page.set_viewport_size({"width": width, "height": 740})
            for path in ("", "plan", "meetings", f"meetings/{meeting}", "consent"):
                page.goto(f"{live_server.url}/families/{family}/{path}")
                expect(page.locator("html")).to_have_attribute("dir", "rtl")
                _no_sideways_scroll(page)

        # "Læs op" on the next meeting: the page's main content, in Arabic, with an Arabic voice.
        page.set_viewport_size({"width": 375, "height": 740})
        page.goto(f"{live_server.url}/families/{family}/meetings/{meeting}")
        button = page.locator("[data-read-button]")
        expect(button).to_be_visible()
        button.focus()
        page.keyboard.press("Enter")  # works with the keyboard
        expect(button).to_have_attribute("aria-pressed", "true")
        spoken = page.evaluate("window.__spoken")
        assert len(spoken) == 1 and spoken[0]["lang"] == "ar-SA" and spoken[0]["voice"] == "Maged"
        heading = page.locator("main h1").inner_text().strip()
        assert heading and heading in spoken[0]["text"]
        # Not the control itself, nor what only a screen reader hears.
        assert button.inner_text().strip() not in spoken[0]["text"]
        hidden = page.locator("main .visually-hidden").all_inner_texts()
        assert not [t for t in hidden if len(t.strip()) > 3 and t.strip() in spoken[0]["text"]]
        page.keyboard.press("Enter")  # a second press stops
        expect(button).to_have_attribute("aria-pressed", "false")
    finally:
        context.close()


def test_without_a_voice_for_the_language_the_page_says_so(live_server, browser):
    world = live_server.seed("--meeting-tomorrow")
    family = world["family_a"]
    context, page = parent_on_phone(browser, world)
    context.add_init_script(STUB_SPEECH % '[{"name": "Sara", "lang": "da-DK"}]')
    try:
        switch_to(page, "uk")
        page.goto(f"{live_server.url}/families/{family}/")
        page.click("[data-read-button]")
        status = page.locator("[data-read-status]")
        expect(status).not_to_be_empty()
        assert "Українська" in status.inner_text()  # names the language it has no voice for
        assert page.evaluate("window.__spoken") == []
    finally:
        context.close()


def test_a_scale_item_is_read_on_its_own_in_ukrainian_with_the_danish_beside(live_server, browser):
    world = live_server.seed("--meeting-tomorrow")
    family, meeting = world["family_a"], world["meeting_tomorrow"]
    context, page = parent_on_phone(browser, world)
    context.add_init_script(STUB_SPEECH % '[{"name": "Olena", "lang": "uk-UA"}]')
    try:
        switch_to(page, "uk")
        page.goto(f"{live_server.url}/families/{family}/scales")
        page.locator(f"a[href*='/scales/fill/'][href*='{meeting}']").first.click()
        expect(page).to_have_url(re.compile(r"/scales/fill/"))
        item = page.locator("fieldset.scale-item").first
        expect(item.locator(".danish-beside[lang=da]")).to_be_visible()
        item.locator("[data-read-this]").click()
        spoken = page.evaluate("window.__spoken")
        legend = item.locator("legend").inner_text()
        assert len(spoken) == 1 and spoken[0]["lang"] == "uk-UA"
        label = legend.split("\n")[0].strip()
        assert label and label in spoken[0]["text"]
        # And the parent sends it, in Ukrainian.
        fill_typed(page, {"me": "6", "close": "7", "everyday": "5", "overall": "8"})
        page.click("[data-scale-form] button.button-primary")
        expect(page).not_to_have_url(re.compile(r"/scales/fill/"))
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        key = f"wellbeing.m.{meeting}"
        sent = "SELECT count(*) FROM scale_responses WHERE window_key = :k AND submitted_at IS NOT NULL"
        assert query(live_server, sent, k=key)[0][0] == 1
    finally:
        context.close()
