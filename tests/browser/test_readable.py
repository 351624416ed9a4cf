"""What a person with weaker sight or without a mouse meets on a 375 px phone (issue 15): the network map's
lettering is at least 12 px and its rings stand out at 3:1; the keyboard's focus is never hidden under the fixed
bottom navigation. Real Chromium; assertions use positions, sizes and colours, not the app's wording."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_phone_shell import parent_on_phone


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_network_map_is_readable_on_a_phone(live_server, browser):
    world = live_server.seed("--demo-map")
    context, page = parent_on_phone(browser, world)
    try:
        page.goto(f"{live_server.url}/families/{world['family_a']}/network")
        svg = page.locator("svg.netmap")
        expect(svg).to_be_visible()
        sizes = page.evaluate(
            """() => {
              const svg = document.querySelector("svg.netmap");
              const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
              return [...svg.querySelectorAll("text")].map(t => parseFloat(t.getAttribute("font-size")) * scale);
            }"""
        )
        assert len(sizes) > 10 and min(sizes) >= 12, sorted(sizes)[:5]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        circles = page.evaluate(
            """() => [...document.querySelectorAll("svg.netmap > circle[stroke]")]
                 .map(c => [c.getAttribute("fill"), c.getAttribute("stroke")])"""
        )
        fills = [fill for fill, _stroke in circles]
        for _fill, stroke in circles:  # each ring's line against every ring's fill it borders
            assert min(_contrast(stroke, fill) for fill in fills) >= 3, stroke
    finally:
        context.close()


def test_the_keyboard_focus_is_never_under_the_bottom_navigation(live_server, browser):
    world = live_server.seed("--meeting-tomorrow")
    context, page = parent_on_phone(browser, world)
    try:
        for path in ("plan", "meetings", "network"):
            page.goto(f"{live_server.url}/families/{world['family_a']}/{path}")
            expect(page).to_have_url(re.compile(path))
            nav_top = page.locator(".bottom-nav").bounding_box()["y"]
            hidden = []
            for _ in range(40):
                page.keyboard.press("Tab")
                box = page.evaluate(
                    """() => { const e = document.activeElement;
                               if (!e || e === document.body || e.closest('.bottom-nav')) return null;
                               const r = e.getBoundingClientRect();
                               return [r.top, r.bottom, e.outerHTML.slice(0, 80)]; }"""
                )
                if box and box[1] > nav_top + 1 and box[0] < page.viewport_size["height"]:
                    hidden.append(box)
            assert hidden == [], (path, hidden[:3])
    finally:
        context.close()
