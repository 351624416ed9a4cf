"""The network map end to end in real Chromium: a parent on a phone adds a neighbour close to the family and sees
who decides; the consultant picks three people from the map for a network meeting, and the meeting's participant
list links back to the map.

Selectors are ids, names, classes and data attributes; texts asserted on are the factory's or typed by the test.
"""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_plan import _signed_in

UUID = r"[0-9a-f-]{36}"


def test_parent_adds_a_neighbour_on_a_phone_and_the_consultant_invites_from_the_map(live_server, browser):
    world = live_server.seed()
    base = live_server.url
    family = world["family_a"]
    neighbour = f"Hanne {uuid.uuid4().hex[:6]}"

    parent_context, parent = _signed_in(browser, world["links"]["parent_a"], PHONE, "Min telefon")
    consultant_context = None
    try:
        parent.locator(".bottom-nav a[href$='/network']").click()
        expect(parent).to_have_url(f"{base}/families/{family}/network")
        expect(parent.locator("svg.netmap g.nm-person")).to_have_count(
            3
        )  # the factory's grandmother, teacher, caseworker
        # Who decides: the caseworker, marked as such in the list and in the drawing.
        expect(parent.locator("#deciders-h + p + ul")).to_contain_text("Karsten Berg")
        expect(parent.locator("svg.netmap g.nm-decides")).to_have_count(1)

        # Add the neighbour in the close ring, with a phone number typed the way people type them.
        form = parent.locator("#add-private")
        form.locator("summary").click()
        form.locator("#private-name").fill(neighbour)
        form.locator("#private-relation").fill("nabo")
        form.locator("#private-sector").select_option("friends")
        form.locator("input[name=private-ring][value=close]").check()
        form.locator("#private-phone").fill("+45 2233-4455")
        with parent.expect_response(re.compile(r"/network/people$")) as added:
            form.locator("button.button-primary").click()
        assert added.value.status == 302
        expect(parent).to_have_url(re.compile(rf"/families/{family}/network#person-{UUID}$"))
        entry = parent.locator("li[data-person]").filter(has_text=neighbour)
        expect(entry).to_have_attribute("data-ring", "close")
        expect(entry).to_have_attribute("data-sector", "friends")
        expect(entry.locator("a[href='tel:22334455']")).to_be_visible()
        person_id = entry.get_attribute("data-person")
        drawn = parent.locator(f"svg.netmap g.nm-person[data-person='{person_id}']")
        expect(drawn).to_have_attribute("data-ring", "close")
        expect(drawn.locator("title")).to_contain_text(neighbour)
        # Nothing on the page is wider than the phone.
        assert parent.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

        # The consultant plans a network meeting with three people from the map.
        consultant_context, consultant = _signed_in(browser, world["links"]["consultant_a"], DESKTOP, "Kontor")
        consultant.goto(f"{base}/families/{family}/meetings/new")
        consultant.locator("#type").select_option("network")
        day = consultant.evaluate("() => new Date(Date.now() + 14 * 864e5).toISOString().slice(0, 10)")
        consultant.fill("#day", day)
        consultant.fill("#start", "16:00")
        consultant.fill("#end", "17:30")
        network = consultant.locator("fieldset#network")
        for name in (neighbour, "Bente", "Karsten Berg"):
            network.locator("div.field-check").filter(has_text=name).locator("input").check()
        with consultant.expect_response(re.compile(r"/meetings/new$")) as planned:
            consultant.locator("main form button.button-primary").click()
        assert planned.value.status == 302
        expect(consultant).to_have_url(re.compile(rf"/families/{family}/meetings/{UUID}$"))
        who = consultant.locator("section[aria-labelledby=who-h]")
        for name in (neighbour, "Bente", "Karsten Berg"):
            expect(who.locator("a", has_text=name)).to_have_attribute("href", re.compile(r"/network#person-"))
        meeting_url = consultant.url

        # The parent sees the meeting and follows the link back to the neighbour on the map.
        parent.goto(meeting_url)
        parent.locator("section[aria-labelledby=who-h] a", has_text=neighbour).click()
        expect(parent).to_have_url(f"{base}/families/{family}/network#person-{person_id}")
    finally:
        parent_context.close()
        if consultant_context:
            consultant_context.close()


#: Every person's name is drawn, inside the map, and no name, role or marker lies on another person's.
LABELS_APART = """() => {
  const problems = [], parts = [];
  const map = document.querySelector('svg.netmap').getBoundingClientRect();
  for (const g of document.querySelectorAll('svg.netmap g.nm-person')) {
    const who = g.querySelector('title').textContent.split(',')[0];
    const name = g.querySelector('text.nm-name');
    if (!name || !name.textContent.trim()) { problems.push(who + ' has no name on the map'); continue; }
    for (const el of [name, g.querySelector('text.nm-role'), g.querySelector('.nm-marker')]) {
      if (!el) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.left < map.left || r.right > map.right || r.top < map.top || r.bottom > map.bottom) {
        problems.push(who + ': "' + el.textContent + '" is not fully visible');
      }
      parts.push([who, el.textContent || 'marker', r]);
    }
  }
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) {
      const [a, at, r] = parts[i], [b, bt, s] = parts[j];
      const apart = r.right - 0.5 <= s.left || s.right - 0.5 <= r.left
        || r.bottom - 0.5 <= s.top || s.bottom - 0.5 <= r.top;
      if (a !== b && !apart) {
        problems.push(a + ' "' + at + '" covers ' + b + ' "' + bt + '"');
      }
    }
  }
  return problems;
}"""


def test_every_name_stays_visible_and_apart_when_bente_is_moved_round_the_map(live_server, browser):
    world = live_server.seed("--demo-map")
    map_url = f"{live_server.url}/families/{world['family_a']}/network"
    context, parent = _signed_in(browser, world["links"]["parent_a"], {"width": 375, "height": 740}, "Min telefon")
    try:
        parent.goto(map_url)
        expect(parent.locator("svg.netmap g.nm-person")).to_have_count(12)
        assert parent.evaluate(LABELS_APART) == []
        bente = parent.locator("li[data-person]").filter(has_text="Bente").get_attribute("data-person")
        for ring, sector in (("close", "school"), ("far", "health"), ("middle", "leisure"), ("close", "family")):
            parent.goto(f"{map_url}/people/{bente}")
            parent.locator("#sector").select_option(sector)
            parent.locator(f"input[name=ring][value={ring}]").check()
            parent.locator("main form button.button-primary").click()
            expect(parent).to_have_url(f"{map_url}#person-{bente}")
            drawn = parent.locator(f"svg.netmap g.nm-person[data-person='{bente}']")
            expect(drawn).to_have_attribute("data-ring", ring)
            expect(drawn).to_have_attribute("data-sector", sector)
            assert parent.evaluate(LABELS_APART) == [], (ring, sector)
    finally:
        context.close()
