"""A bad connection in real Chromium: the service worker keeps a parent's own pages for reading offline (and only
theirs), an answer filled offline waits on the phone and arrives exactly once, reminders arrive through a push
service of our own, and a new release asks before it takes over. Offline is Playwright's ``set_offline``, which
reaches the service worker (TECH-NOTES 1.6), with the live server stopped meanwhile (conftest.go_offline): the
emulation did not always reach the service worker in time."""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import text

from familyapp.db import LOCAL_ZONE, make_engine
from tests.browser.conftest import PHONE, LiveServer, add_authenticator, back_online, go_offline, run_axe
from tests.browser.test_passkeys import register_via_link, sign_in, without_autofill
from tests.browser.test_pwa import cached_urls, wait_for_service_worker
from tests.push_receiver import PushReceiver

OFFLINE_MARK = re.compile(r"^Offline – senest opdateret kl\. \d\d:\d\d$")


def parent_phone(browser, live_server, world, **options):
    """A phone where parent A has activated the app (on the home screen, the service worker in control)."""
    context = browser.new_context(viewport=PHONE, locale="da-DK", service_workers="allow", **options)
    page = context.new_page()
    add_authenticator(context, page)
    without_autofill(page)
    register_via_link(page, world["links"]["parent_a"])
    expect(page).to_have_url(re.compile(rf"/families/{world['family_a']}/$"))
    wait_for_service_worker(page)
    return context, page


def page_caches(page) -> dict:
    """The service worker's kept pages: cache name -> paths."""
    return page.evaluate(
        """async () => {
            const found = {};
            for (const name of await caches.keys()) {
                if (!name.startsWith('familyapp-pages-')) continue;
                const cache = await caches.open(name);
                found[name] = (await cache.keys()).map((r) => new URL(r.url).pathname);
            }
            return found;
        }"""
    )


def wait_until_kept(page, *paths: str, timeout: float = 15) -> None:
    """Wait until the service worker has kept these pages (it fetches them quietly after the home screen)."""
    deadline = time.time() + timeout
    while True:
        kept = {path for paths_ in page_caches(page).values() for path in paths_}
        if set(paths) <= kept:
            return
        assert time.time() < deadline, f"not kept: {set(paths) - kept}"
        time.sleep(0.1)


def query(live_server, sql: str, **params):
    engine = make_engine(live_server.env["DATABASE_URL"])
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return result.all() if result.returns_rows else None
    finally:
        engine.dispose()


def test_the_home_screen_plan_and_meetings_can_be_read_offline_marked_and_only_by_their_person(live_server, browser):
    world = live_server.seed()
    family = world["family_a"]
    base = f"{live_server.url}/families/{family}"
    context, page = parent_phone(browser, live_server, world, bypass_csp=True)
    try:
        wait_until_kept(page, f"/families/{family}/", f"/families/{family}/plan", f"/families/{family}/meetings")
        caches = page_caches(page)
        assert len(caches) == 1 and family not in next(iter(caches))  # an opaque name, no ids
        meeting_title = page.locator(".next-meeting .lead").inner_text()

        go_offline(context, live_server)
        page.goto(base + "/")
        expect(page.locator("[data-offline-banner]")).to_have_text(OFFLINE_MARK)
        expect(page.locator(".next-meeting .lead")).to_have_text(meeting_title)
        expect(page.locator("[data-offline-hint]")).to_be_visible()
        # Nothing that needs the server can be tapped (a form that waits in the outbox, and signing out, can).
        enabled = page.evaluate(
            """() => [...document.querySelectorAll("form[method=post]:not([data-outbox]):not([data-signout]) button")]
                 .filter(b => !b.disabled).map(b => b.outerHTML)"""
        )
        assert enabled == []
        page.goto(base + "/plan")
        expect(page.locator("h1")).to_have_text("Vores plan")
        expect(page.locator("[data-offline-banner]")).to_be_visible()
        page.goto(base + "/meetings")
        expect(page.locator("[data-offline-banner]")).to_be_visible()
        # The installed app starts at "/": offline, that is the home screen.
        page.goto(live_server.url + "/?src=pwa")
        expect(page.locator(".next-meeting")).to_be_visible()
        # A page that is not kept: the plain offline page, never something stale.
        page.goto(base + "/network")
        expect(page.locator("h1")).to_have_text("Ingen forbindelse")
        page.goto(base + "/")
        assert run_axe(page) == []
        # Signing out without a connection: the phone forgets the kept pages at once and shows the sign-in page.
        page.click("[data-signout] button")
        expect(page).to_have_url(re.compile(r"/auth/login\?signed_out=1$"))
        expect(page.locator("[data-offline-signin-note]")).to_be_visible()
        assert page_caches(page) == {}
        page.goto(base + "/plan")
        expect(page.locator("h1")).to_have_text("Ingen forbindelse")

        # Back online: the sign-out reaches the server at the first contact; nothing kept comes back.
        back_online(context, live_server)
        page.goto(base + "/")
        expect(page).to_have_url(re.compile(r"/auth/login"))
        expect(page.locator("[data-offline-banner]")).to_have_count(0)
        assert page_caches(page) == {}
    finally:
        context.close()


def test_a_home_screen_taken_over_while_it_loaded_is_kept_too(live_server, browser):
    """The race CI met: the worker activates while the home screen loads, after the page's own request went
    straight to the network, and takes the page over before its script runs. The page is controlled, yet nothing
    kept it: it must ask the worker to fetch it, like a page that came before any worker."""
    world = live_server.seed()
    family = world["family_a"]
    home = f"/families/{family}/"
    context, page = parent_phone(browser, live_server, world)
    try:
        wait_until_kept(page, home)
        worker = context.service_workers[0]
        worker.evaluate(
            "caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('familyapp-pages-'))"
            ".map((k) => caches.delete(k))))"
        )
        held = []
        context.route("**/static/js/app.js*", lambda route: held.append(route))
        # A reload that bypasses the worker (as its first visit did); its script waits until the worker took over.
        context.new_cdp_session(page).send("Page.reload", {"ignoreCache": True})
        deadline = time.time() + 15
        while not held:
            assert time.time() < deadline, "the page never asked for its script"
            page.wait_for_timeout(50)
        worker.evaluate("self.clients.claim()")
        assert page.evaluate("!!navigator.serviceWorker.controller")
        held[0].continue_()
        page.wait_for_load_state("load")
        wait_until_kept(page, home)
    finally:
        context.close()


def test_another_person_on_the_same_phone_never_sees_the_first_ones_pages(live_server, browser):
    world = live_server.seed()
    family = world["family_a"]
    context, page = parent_phone(browser, live_server, world)
    try:
        wait_until_kept(page, f"/families/{family}/plan")
        # The parent's session ends without a sign-out (the phone is handed on); the consultant signs in here.
        context.clear_cookies()
        register_via_link(page, world["links"]["consultant_a"], label="Arbejdstelefon")
        expect(page).to_have_url(re.compile(r"/caseload$"))
        page.goto(f"{live_server.url}/families/{family}/plan")
        assert page_caches(page) == {}
        go_offline(context, live_server)
        page.goto(f"{live_server.url}/families/{family}/plan")
        expect(page.locator("h1")).to_have_text("Ingen forbindelse")
    finally:
        context.close()


def fill_typed(page, values: dict) -> None:
    for key, value in values.items():
        page.fill(f"#value-{key}", value)


def test_an_answer_filled_offline_arrives_once_after_a_new_sign_in(live_server, browser):
    world = live_server.seed("--meeting-tomorrow")
    family = world["family_a"]
    key = f"wellbeing.m.{world['meeting_tomorrow']}"
    base = f"{live_server.url}/families/{family}"
    context, page = parent_phone(browser, live_server, world, bypass_csp=True)
    try:
        wait_until_kept(page, f"/families/{family}/scales/fill/{key}")
        shown = query(live_server, "SELECT count(*) FROM scale_responses WHERE window_key = :k", k=key)[0][0]
        assert shown == 0  # kept for offline, not shown yet

        go_offline(context, live_server)
        page.goto(f"{base}/scales/fill/{key}")
        expect(page.locator("[data-offline-banner]")).to_be_visible()
        fill_typed(page, {"me": "6", "close": "7,5", "everyday": "5", "overall": "8"})
        page.click("[data-scale-form] button.button-primary")
        expect(page.locator("[data-queued]")).to_be_visible()
        expect(page.locator("[data-queued]")).to_contain_text("gemt på telefonen")
        assert run_axe(page) == []
        page.goto(base + "/")
        expect(page.locator("[data-outbox-text]")).to_have_text(re.compile(r"^1 svar venter på at blive sendt"))
        # Signing out now warns: the answer stays on the phone.
        page.evaluate("document.querySelector('[data-signout] button').disabled = false")
        page.click("[data-signout] button")
        expect(page.locator("[data-signout-warning]")).to_be_visible()
        assert run_axe(page) == []
        page.click("[data-signout-stay]")
        expect(page.locator("[data-signout-warning]")).to_be_hidden()

        # The connection comes back, but the sign-in has ended meanwhile: sign in, then it is sent, once.
        query(live_server, "DELETE FROM user_sessions")
        back_online(context, live_server)
        page.goto(base + "/")
        expect(page).to_have_url(re.compile(r"/auth/login"))
        sign_in(page)
        expect(page).to_have_url(re.compile(rf"/families/{family}/$"))
        expect(page.locator("[data-outbox-text]")).to_have_text(re.compile(r"^Dit svar er sendt"))
        # Replays (the background sync firing too, a reload) do not count it again.
        page.evaluate("familyOutbox.count(document.querySelector('meta[name=offline-user]').content)")
        page.reload()
        rows = query(
            live_server,
            "SELECT answers, id FROM scale_responses WHERE window_key = :k AND submitted_at IS NOT NULL",
            k=key,
        )
        assert len(rows) == 1
        sent_id = str(rows[0][1])
        answers = rows[0][0] if isinstance(rows[0][0], dict) else json.loads(rows[0][0])
        assert answers == {"me": 6.0, "close": 7.5, "everyday": 5.0, "overall": 8.0}
        assert page.evaluate("familyOutbox.all().then((all) => all.length)") == 0
        expect(page.locator("[data-outbox-text]")).to_be_hidden()
    finally:
        context.close()

    # The consultant sees the answer once, waiting to be talked through.
    consultant = browser.new_context(viewport=PHONE, locale="da-DK")
    try:
        page = consultant.new_page()
        add_authenticator(consultant, page)
        register_via_link(page, world["links"]["consultant_a"], label="Arbejde")
        expect(page).to_have_url(re.compile(r"/caseload$"))
        page.goto(f"{live_server.url}/review")
        expect(page.locator(f"[data-response='{uuid.UUID(sent_id)}']")).to_have_count(1)
    finally:
        consultant.close()


def service_worker_registration(context, page, live_server) -> tuple:
    """A DevTools session on the page and the service worker's registration id (to send it events)."""
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(300)
    return cdp, next(r for r in registrations if not r.get("isDeleted"))["registrationId"]


def test_a_phone_whose_session_was_ended_elsewhere_drops_its_copies_but_keeps_its_answer(live_server, browser):
    """A recovery on another phone ends this one's session. Its next contact is background sync sending the
    answer filled offline: the server's 401 says so (Clear-Site-Data), the kept pages go, the answer stays."""
    world = live_server.seed("--meeting-tomorrow")
    family = world["family_a"]
    key = f"wellbeing.m.{world['meeting_tomorrow']}"
    base = f"{live_server.url}/families/{family}"
    context, page = parent_phone(browser, live_server, world)
    try:
        wait_until_kept(page, f"/families/{family}/plan", f"/families/{family}/scales/fill/{key}")
        go_offline(context, live_server)
        page.goto(f"{base}/scales/fill/{key}")
        fill_typed(page, {"me": "6", "close": "7", "everyday": "5", "overall": "8"})
        page.click("[data-scale-form] button.button-primary")
        expect(page.locator("[data-queued]")).to_be_visible()

        query(live_server, "DELETE FROM user_sessions")  # what a recovery activation elsewhere does
        back_online(context, live_server)
        cdp, registration = service_worker_registration(context, page, live_server)
        cdp.send(
            "ServiceWorker.dispatchSyncEvent",
            {"origin": live_server.url, "registrationId": registration, "tag": "outbox", "lastChance": False},
        )
        page.wait_for_function(
            "caches.keys().then((k) => !k.some((n) => n.startsWith('familyapp-pages-')))", timeout=15000
        )
        assert page.evaluate("familyOutbox.all().then((all) => all.length)") == 1  # the answer waits for sign-in
        sent = query(live_server, "SELECT count(*) FROM scale_responses WHERE submitted_at IS NOT NULL")[0][0]

        go_offline(context, live_server)
        page.goto(base + "/plan")
        expect(page.locator("h1")).to_have_text("Ingen forbindelse")
        back_online(context, live_server)
        page.goto(base + "/")
        expect(page).to_have_url(re.compile(r"/auth/login"))
        sign_in(page)
        expect(page.locator("[data-outbox-text]")).to_have_text(re.compile(r"^Dit svar er sendt"))
        assert query(live_server, "SELECT count(*) FROM scale_responses WHERE submitted_at IS NOT NULL")[0][0] == (
            sent + 1
        )
    finally:
        context.close()


def test_reminders_are_switched_on_with_a_tap_and_arrive_without_personal_details(live_server, browser):
    world = live_server.seed("--meeting-tomorrow")
    meeting_start = datetime.fromisoformat(world["meeting_tomorrow_at"])
    day_before = (meeting_start.astimezone(LOCAL_ZONE) - timedelta(days=1)).replace(hour=12, minute=0)
    with PushReceiver() as receiver:
        context, page = parent_phone(browser, live_server, world, bypass_csp=True)
        try:
            context.grant_permissions(["notifications"], origin=live_server.url)
            # Chromium without the internet has no push service: the browser's subscription is one whose address
            # is our local receiver, with keys the receiver holds (what the real one would give).
            page.add_init_script("(" + STUB_PUSH + ")(" + json.dumps(receiver.subscription()) + ");")
            page.goto(f"{live_server.url}/reminders")
            expect(page.locator("[data-push-on]")).to_be_visible()
            assert run_axe(page) == []
            page.uncheck("#kind-scale")
            page.uncheck("#kind-referat")
            page.click("form[action='/reminders'] button")
            expect(page.locator(".flashes")).to_contain_text("Gemt")
            page.click("[data-push-on]")
            expect(page.locator("[data-push-state-on]")).to_be_visible()
            rows = query(live_server, "SELECT user_id FROM push_subscriptions")
            assert len(rows) == 1

            out = live_server.flask("reminders", "send", "--at", day_before.isoformat())
            assert "Sent 1 reminders" in out, out
            again = live_server.flask("reminders", "send", "--at", (day_before + timedelta(minutes=15)).isoformat())
            assert "Sent 0 reminders" in again, again
            (delivery,) = receiver.wait(1)
            message = receiver.decrypt(delivery)
            assert message["body"] == "Du har et møde i morgen"
            assert "Rådhuset" not in json.dumps(message, ensure_ascii=False)

            # The push service hands the message to the browser: the service worker shows it.
            cdp = context.new_cdp_session(page)
            registrations = []
            cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
            cdp.send("ServiceWorker.enable")
            page.wait_for_timeout(300)
            registration = next(r for r in registrations if not r.get("isDeleted"))
            cdp.send(
                "ServiceWorker.deliverPushMessage",
                {
                    "origin": live_server.url,
                    "registrationId": registration["registrationId"],
                    "data": json.dumps(message, ensure_ascii=False),
                },
            )
            page.wait_for_function(
                "navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((n) => n.length === 1)"
            )
            shown = page.evaluate(
                "navigator.serviceWorker.ready.then((r) => r.getNotifications())"
                ".then((n) => ({title: n[0].title, body: n[0].body}))"
            )
            assert shown == {"title": "Familieoverblik", "body": "Du har et møde i morgen"}

            # Signing out on a shared phone stops the reminders to it.
            page.goto(f"{live_server.url}/families/{world['family_a']}/")
            page.click("[data-signout] button")
            expect(page).to_have_url(re.compile(r"/auth/login"))
            assert query(live_server, "SELECT user_id FROM push_subscriptions") == []
        finally:
            context.close()


# Replaces the browser's push subscription with one pointing at the test receiver (see the test above).
STUB_PUSH = """(json) => {
  const make = () => ({
    endpoint: json.endpoint,
    expirationTime: null,
    toJSON: () => json,
    unsubscribe: () => { localStorage.removeItem('stub-push'); return Promise.resolve(true); },
  });
  PushManager.prototype.subscribe = function () {
    localStorage.setItem('stub-push', '1');
    return Promise.resolve(make());
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(localStorage.getItem('stub-push') ? make() : null);
  };
}"""


def test_a_new_release_takes_over_after_a_tap(browser, tmp_path):
    from tests.dbutil import fresh_database_url

    url = fresh_database_url(tmp_path, "release")
    first = LiveServer(url, FAMILYAPP_RELEASE="2026.11.30-a")
    first.flask("db-upgrade")
    first.start()
    context = browser.new_context(viewport=PHONE, locale="da-DK", service_workers="allow", bypass_csp=True)
    second = None
    try:
        page = context.new_page()
        page.goto(first.url + "/auth/login")
        wait_for_service_worker(page)
        old_css = page.locator("link[rel=stylesheet]").first.get_attribute("href")
        expect(page.locator("[data-update]")).to_be_hidden()
        first.stop()

        second = LiveServer(url, port=first.port, FAMILYAPP_RELEASE="2026.12.01-b")
        second.start()
        # The phone looks for a new release when the app comes back to the front.
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        expect(page.locator("[data-update]")).to_be_visible(timeout=15000)
        expect(page.locator("[data-update] button")).to_have_text("Ny version – opdater")
        assert run_axe(page) == []
        old_caches = page.evaluate("caches.keys()")
        with page.expect_navigation():
            page.click("[data-update] button")
        expect(page.locator("[data-update]")).to_be_hidden()
        assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
        # The new worker keeps its own copies; the stylesheet did not change, so its address (its content's hash)
        # did not either, and the phone's copy serves on.
        page.wait_for_function("(old) => caches.keys().then((k) => !k.some((n) => old.includes(n)))", arg=old_caches)
        assert page.locator("link[rel=stylesheet]").first.get_attribute("href") == old_css
        static = [u for u in cached_urls(page) if "/static/css/app.css" in u]
        assert static and all(u.endswith(old_css) for u in static)
    finally:
        if second:
            second.stop()
        first.stop()
        context.close()
