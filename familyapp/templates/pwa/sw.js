/* Familieoverblik service worker, release {{ app_version }}.
 *
 * - Static files come from this release's cache.
 * - Pages always come from the network first. A parent's or young person's own home screen, meetings, plan,
 *   årshjul and scales are also kept, for that person only ("familyapp-pages-<their offline key>"), so they can be
 *   read without a connection, marked as offline. Another person's pages on the same phone, a sign-out, a
 *   professional signing in, a session ended elsewhere (the server's Clear-Site-Data) or age removes them.
 *   Professionals' pages are never kept.
 * - Answers filled without a connection wait in the outbox (outbox.js) and are sent by background sync.
 * - Push messages become notifications that say only that something is there. */
importScripts("{{ url_for('static', filename='js/outbox.js') }}");

const RELEASE = "{{ app_version }}";
const STATIC_CACHE = "familyapp-static-" + RELEASE;
const PAGES = "familyapp-pages-";
const OFFLINE_URL = "{{ url_for('pwa.offline') }}";
// Nobody's sign-in page (fetched without cookies): what "Log ud" without a connection opens.
const SIGNIN_URL = "{{ url_for('signin.login') }}";
const ASSETS = [OFFLINE_URL{% for a in assets %}, "{{ url_for('static', filename=a) }}"{% endfor %}];
// A slow network is given this long before a kept copy is shown instead (the fresh page is still kept when it
// arrives, for next time).
const PATIENCE_MS = 6000;
// Kept pages older than this are neither shown nor kept (OFFLINE_MAX_AGE_DAYS on the server).
const MAX_AGE_MS = {{ max_age_ms }};

self.addEventListener("install", (event) => {
  // No skipWaiting here: an open page keeps its release until the person taps "Ny version – opdater".
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => Promise.all([cache.addAll(ASSETS), keepSignIn(cache)])));
});

/** Keep the sign-in page as anybody sees it (no cookies sent, no redirect followed); a failure stops nothing. */
function keepSignIn(cache) {
  return fetch(new Request(SIGNIN_URL, { credentials: "omit", redirect: "error" })).then((response) => {
    if (!response.ok) return;
    return response.text().then((body) => cache.put(SIGNIN_URL, new Response(body, {
      headers: {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": response.headers.get("Content-Security-Policy") || "default-src 'self'",
      },
    })));
  }).catch(() => {});
}

/** The kept sign-in page, marked as shown without a connection; null when there is none. */
function signInCopy() {
  return caches.match(SIGNIN_URL).then((hit) => hit && hit.text().then((body) => new Response(
    body.replace("<html ", "<html data-offline-signin "),
    { headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": hit.headers.get("Content-Security-Policy") } }
  )));
}

self.addEventListener("activate", (event) => {
  // A new release drops the old static files and the pages kept by the old release (their HTML points to them).
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== STATIC_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "skip-waiting") self.skipWaiting();
  if (data.type === "warm" && Array.isArray(data.urls)) event.waitUntil(warm(data.urls));
  if (data.type === "signed-out") event.waitUntil(forgetPages(null));
});

// Counts the times this phone forgot everyone's pages (a sign-out, a session ended elsewhere). A page fetched
// before that moment and answered after it is not kept: a prefetch still on its way when someone signs out on a
// shared phone must not put their pages back.
let forgotten = 0;

/** Remove every person's kept pages except those of ``keep`` (an offline key, or null for everyone's). */
function forgetPages(keep) {
  if (keep === null) forgotten += 1;
  return caches.keys().then((keys) =>
    Promise.all(keys.filter((k) => k.startsWith(PAGES) && k !== PAGES + keep).map((k) => caches.delete(k)))
  );
}

/** Keep a page for its person, if the server says it may be kept; forget other people's pages on this phone.
 * ``since``: the count of forgettings when the page was asked for; a page asked for before a sign-out is not kept. */
function remember(request, response, since) {
  if (response.type !== "basic") return Promise.resolve();
  const user = response.headers.get("X-Offline-User");
  // Nobody's page, or a session ended elsewhere (a recovery after a lost phone, a sign-out, expiry): none stay.
  if (user === "-") return forgetPages(null);
  if (!user || !response.ok || since !== forgotten) return Promise.resolve();
  const keep = response.headers.get("X-Offline-Keep");
  // Copy the body now: the page reads the original at once.
  const copy = keep ? response.clone() : null;
  return forgetPages(user).then(() => {
    if (!keep) return;
    return copy.text().then((body) => {
      if (since !== forgotten) return; // signed out while the page was read
      const headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": response.headers.get("Content-Security-Policy") || "default-src 'self'",
        // The server's clock for "senest opdateret", the phone's own for the age (a wrong phone clock is
        // wrong by the same amount both times).
        "X-Saved-Server": response.headers.get("Date") || new Date().toUTCString(),
        "X-Saved-Local": String(Date.now()),
      };
      return caches.open(PAGES + user).then((cache) => {
        const copies = [cache.put(pageKey(request.url), new Response(body, { headers: headers }))];
        // The installed app starts at "/": offline, that is the home screen.
        if (keep === "home") copies.push(cache.put(pageKey(self.registration.scope), new Response(body, { headers: headers })));
        return Promise.all(copies);
      });
    });
  });
}

function pageKey(url) {
  const u = new URL(url);
  return u.origin + u.pathname;
}

/** A kept copy of the page, marked as offline with the time it was saved; null when there is none. */
function keptCopy(url) {
  return caches.keys().then((keys) => {
    const mine = keys.filter((k) => k.startsWith(PAGES));
    return mine.reduce(
      (found, name) => found.then((hit) => hit || caches.open(name).then((c) => c.match(pageKey(url)))),
      Promise.resolve(null)
    );
  }).then((hit) => {
    if (!hit) return null;
    const saved = Number(hit.headers.get("X-Saved-Local")) || 0;
    if (Math.abs(Date.now() - saved) > MAX_AGE_MS) return forgetPages(null).then(() => null);
    return hit.text().then((body) => {
      const stamp = new Date(hit.headers.get("X-Saved-Server")).toISOString();
      const marked = body.replace("<html ", '<html data-offline-saved="' + stamp + '" ');
      const policy = hit.headers.get("Content-Security-Policy");
      return new Response(marked, { headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": policy } });
    });
  });
}

function offlinePage() {
  return caches.match(OFFLINE_URL);
}

/** Network first; after a while, or without a network, the person's kept copy; else the offline page. */
function navigate(event) {
  const request = event.request;
  const since = forgotten;
  const fromNetwork = fetch(request);
  // Kept for next time even when a kept copy was shown first (the worker stays alive until this is done).
  event.waitUntil(fromNetwork.then((response) => remember(request, response, since)).catch(() => {}));
  const slow = new Promise((resolve) => setTimeout(resolve, PATIENCE_MS)).then(() => keptCopy(request.url));
  const signIn = new URL(request.url).pathname === SIGNIN_URL;
  const offline = fromNetwork.catch(() =>
    keptCopy(request.url).then((copy) => copy || (signIn ? signInCopy() : null)).then((copy) => copy || offlinePage())
  );
  // Whichever comes first: the network's answer, or (if the network is slow) a kept copy.
  return Promise.race([offline, slow.then((copy) => copy || offline)]);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

/** Fetch pages the person is likely to want offline (linked from the home screen), without showing them. */
function warm(urls) {
  const same = urls.filter((u) => new URL(u, self.location.origin).origin === self.location.origin).slice(0, 12);
  const since = forgotten;
  // One at a time, never following a redirect (a sign-in that ended meanwhile stops the round: nothing is
  // fetched as somebody else, and no sign-in page is opened behind the person's back); a sign-out stops it too.
  return same.reduce((done, u) => done.then((going) => {
    if (!going || since !== forgotten) return false;
    const request = new Request(u, {
      credentials: "same-origin", redirect: "manual", headers: { "X-Offline-Prefetch": "1" },
    });
    return fetch(request).then((response) => remember(request, response, since).then(() => response.ok), () => false);
  }), Promise.resolve(true));
}

// Background sync (where the browser has it): send waiting answers with the tokens they were filled with; an
// answer the server does not take yet stays for the app to send after sign-in.
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(self.familyOutbox.flush(null, null).then(tellPages));
});

function tellPages(results) {
  return self.clients.matchAll({ type: "window" }).then((pages) =>
    pages.forEach((page) => page.postMessage({ type: "outbox-changed", results: results }))
  );
}

// A reminder: only that something is there ("Du har et møde i morgen"); the details are in the app.
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  const title = typeof data.title === "string" ? data.title : "Familieoverblik";
  const body = typeof data.body === "string" ? data.body : "";
  event.waitUntil(self.registration.showNotification(title, {
    body: body,
    icon: "{{ url_for('static', filename='icons/icon-192.png') }}",
    tag: typeof data.kind === "string" ? data.kind : "familyapp",
    data: { url: sameOrigin(data.url) ? data.url : "/" },
  }));
});

function sameOrigin(url) {
  try {
    return typeof url === "string" && new URL(url, self.location.origin).origin === self.location.origin;
  } catch (e) {
    return false;
  }
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data && event.notification.data.url || "/", self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((pages) => {
    const open = pages.find((p) => p.url.startsWith(self.location.origin));
    return open ? open.navigate(target).then((p) => (p || open).focus()) : self.clients.openWindow(target);
  }));
});
