"""The wellbeing scale on a phone in real Chromium: the home screen asks before the meeting, the four sliders show
no answer until moved, and they are filled by touch and by keyboard; the answer arrives once and the trend and
the consultant's review queue show it.

Assertions use ids, classes, data attributes and numbers, not the app's wording.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, add_authenticator
from tests.browser.test_passkeys import register_via_link, without_autofill
from tests.browser.test_plan import _signed_in


def at(box: dict, share: float) -> float:
    """Where on a slider a value lies, as a share of the scale: the thumb's centre moves between half a thumb
    from each end."""
    return box["x"] + 17 + share * (box["width"] - 34)


def test_parent_fills_the_wellbeing_scale_by_touch_and_keyboard(live_server, browser):
    world = live_server.seed("--meeting-tomorrow")
    base = live_server.url
    family = world["family_a"]
    key = f"wellbeing.m.{world['meeting_tomorrow']}"

    context = browser.new_context(viewport=PHONE, locale="da-DK", has_touch=True, is_mobile=True)
    phone = context.new_page()
    add_authenticator(context, phone)
    without_autofill(phone)
    consultant_context = None
    try:
        register_via_link(phone, world["links"]["parent_a"])
        expect(phone).to_have_url(re.compile(rf"/families/{family}/$"))
        # The home screen says that a questionnaire waits (one line, after the next meeting); it opens the list.
        phone.locator("[data-scales-waiting] a").click()
        phone.locator(f".to-fill a.button[href$='/scales/fill/{key}']").click()
        expect(phone).to_have_url(f"{base}/families/{family}/scales/fill/{key}")

        sliders = phone.locator("input.vas-range")
        expect(sliders).to_have_count(4)
        # No answer is shown before the person moves a slider: the thumb is hidden and the value is "not answered".
        for i in range(4):
            expect(sliders.nth(i)).to_have_class(re.compile(r"\buntouched\b"))
        unanswered = phone.locator("[data-vas]").first.get_attribute("data-unanswered")
        expect(sliders.first).to_have_attribute("aria-valuetext", unanswered)

        # Touch: a tap where 7 is on the first line answers 7 (the thumb, 34 px, centres under the finger).
        sliders.nth(0).scroll_into_view_if_needed()
        box = sliders.nth(0).bounding_box()
        phone.touchscreen.tap(at(box, 0.7), box["y"] + box["height"] / 2)
        expect(sliders.nth(0)).not_to_have_class(re.compile(r"\buntouched\b"))
        assert abs(float(sliders.nth(0).input_value()) - 7.0) <= 0.2
        # Keyboard: End goes to 10, two steps left make 9.8; the value is read out.
        sliders.nth(1).focus()
        phone.keyboard.press("End")
        phone.keyboard.press("ArrowLeft")
        phone.keyboard.press("ArrowLeft")
        expect(phone.locator("#value-close")).to_have_value("9,8")
        expect(sliders.nth(1)).to_have_attribute("aria-valuetext", re.compile(r"^9,8 "))
        sliders.nth(2).scroll_into_view_if_needed()
        box = sliders.nth(2).bounding_box()
        phone.touchscreen.tap(at(box, 0.25), box["y"] + box["height"] / 2)
        expect(phone.locator("#value-everyday")).to_have_value("2,5")
        # A swipe that starts on a slider and scrolls the page does not answer it.
        sliders.nth(3).scroll_into_view_if_needed()
        box = sliders.nth(3).bounding_box()
        cdp = context.new_cdp_session(phone)
        middle = {"x": at(box, 0.5), "y": box["y"] + box["height"] / 2}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [middle]})
        for dy in range(10, 200, 20):
            cdp.send(
                "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{**middle, "y": middle["y"] - dy}]}
            )
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        expect(sliders.nth(3)).to_have_class(re.compile(r"\buntouched\b"))
        expect(phone.locator("#value-overall")).to_have_value("")
        # The typed number moves the slider too (often quicker with a screen reader).
        phone.locator("#value-everyday").fill("3,5")
        expect(sliders.nth(2)).to_have_value("3.5")
        # The last one is not answered, explicitly.
        phone.locator("#skip-overall").check()
        typed_first = phone.locator("#value-me").input_value()

        # The page sends the answer itself (so that without a connection it waits on the phone); then it opens it.
        with phone.expect_response(
            lambda r: r.url.endswith(f"/scales/fill/{key}") and r.request.method == "POST"
        ) as sent:
            phone.locator("form[data-scale-form] button.button-primary").click()
        assert sent.value.status == 200  # the JSON "sent" (the page then opens the answer, below)
        expect(phone).to_have_url(re.compile(rf"/families/{family}/scales/answers/[0-9a-f-]{{36}}$"))
        answer_url = phone.url
        expect(phone.locator("dd[data-item=me]")).to_contain_text(typed_first)
        expect(phone.locator("dd[data-item=close]")).to_contain_text("9,8")
        expect(phone.locator("dd[data-item=overall] .empty")).to_have_count(1)
        # Sent answers are read-only: the form sends you to the answer.
        phone.goto(f"{base}/families/{family}/scales/fill/{key}")
        expect(phone).to_have_url(answer_url)
        phone.goto(f"{base}/families/{family}/scales")
        expect(phone.locator(f"li[data-response='{answer_url.rsplit('/', 1)[1]}']")).to_have_count(1)
        assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

        consultant_context, consultant = _signed_in(browser, world["links"]["consultant_a"], DESKTOP, "Kontor")
        consultant.goto(f"{base}/review")
        expect(consultant.locator(f"li[data-response='{answer_url.rsplit('/', 1)[1]}']")).to_have_count(1)
    finally:
        context.close()
        if consultant_context:
            consultant_context.close()
