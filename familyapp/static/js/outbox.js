/* The outbox: answers filled without a connection wait on the phone (IndexedDB) and are sent when the connection
 * returns, the app is opened again, or (where the browser has it) by background sync in the service worker.
 * Each answer carries the id the page gave it, so the server counts it once however often it arrives.
 * Used by pages and by the service worker (importScripts), so nothing here touches the page. */
(function (scope) {
  "use strict";

  var NAME = "familyapp-outbox";
  var STORE = "answers";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  // An entry read back must still look like one; anything else is set aside, never sent half.
  function sound(entry) {
    return entry && typeof entry.id === "string" && typeof entry.url === "string" && entry.url.charAt(0) === "/" &&
      Array.isArray(entry.fields) && entry.fields.every(function (f) { return Array.isArray(f) && f.length === 2; });
  }

  function all() {
    return run("readonly", function (store) { return store.getAll(); }).then(function (entries) {
      return entries || [];
    });
  }

  function add(entry) {
    entry.created = entry.created || Date.now();
    return run("readwrite", function (store) { store.put(entry); });
  }

  function remove(id) {
    return run("readwrite", function (store) { store.delete(id); });
  }

  function mark(entry, state) {
    entry.state = state;
    return run("readwrite", function (store) { store.put(entry); });
  }

  // Send one answer with the given CSRF token. The server answers in JSON (X-Outbox): "sent" (counted, or the
  // same answer again), "already" (an earlier answer for that time stands), "signin" (a new sign-in is needed:
  // the answer stays), "invalid" (not complete), "refused" (the questions are gone) or "keep" (no connection or
  // a passing error: try later).
  function send(entry, csrf, mode) {
    var body = new URLSearchParams();
    entry.fields.forEach(function (f) { if (f[0] !== "csrf_token") body.append(f[0], f[1]); });
    body.append("csrf_token", csrf || entry.csrf || "");
    var headers = { "X-Outbox": mode || "replay", "Accept": "application/json" };
    // Whose answer this is: the server takes it only under that person (never the next one on a shared phone).
    if (entry.user) headers["X-Offline-User"] = entry.user;
    return scope.fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual", headers: headers
    }).then(function (response) {
      if (response.status === 200) {
        // Only the server's own "sent" counts (a proxy's page is not an answer).
        return response.json().then(function (data) {
          return data && data.sent === true ? { result: "sent", url: data.url } : { result: "keep" };
        }, function () { return { result: "keep" }; });
      }
      if (response.status === 409) return { result: "already" };
      if (response.status === 401 || response.type === "opaqueredirect") {
        // The session was ended elsewhere (a recovery, a sign-out, expiry): the pages kept for reading offline go
        // at once. The answer stays here until the next sign-in.
        var ended = sessionEnded(response);
        return (ended ? forgetPages() : Promise.resolve()).then(function () { return { result: "signin" }; });
      }
      if (response.status === 422) return { result: "invalid" };
      if (response.status === 404) return { result: "refused" };
      return { result: "keep" };
    }).catch(function () { return { result: "keep" }; });
  }

  // The server tells a phone whose session was ended elsewhere to drop its copies: "X-Offline-User: -" beside
  // Clear-Site-Data, which browsers do not show to scripts.
  function sessionEnded(response) {
    return response.headers.get("X-Offline-User") === "-";
  }

  // The caches of pages kept for reading offline (every person's).
  function pageCaches() {
    if (!scope.caches) return Promise.resolve([]);
    return scope.caches.keys().then(function (keys) {
      return keys.filter(function (k) { return k.indexOf("familyapp-pages-") === 0; });
    });
  }

  // Remove every page kept for reading offline (signing out).
  function forgetPages() {
    return pageCaches().then(function (names) {
      return Promise.all(names.map(function (k) { return scope.caches.delete(k); }));
    }).catch(function () {});
  }

  // A page kept for reading offline that showed the form just answered is out of date: drop it.
  function forgetPage(url) {
    var path = new URL(url, scope.location.href).href.split("?")[0];
    return pageCaches().then(function (names) {
      return Promise.all(names.map(function (k) {
        return scope.caches.open(k).then(function (cache) { return cache.delete(path); });
      }));
    }).catch(function () {});
  }

  // An answer the server cannot take as it is (not complete): keep what was typed as the form's draft on the
  // server, so the person finds it there and finishes it. True when the draft was kept.
  function keepAsDraft(entry, csrf) {
    var values = {}, skips = [];
    entry.fields.forEach(function (f) {
      if (f[0].indexOf("item-") === 0 && f[1] !== "") values[f[0].slice(5)] = f[1];
      if (f[0].indexOf("skip-") === 0) skips.push(f[0].slice(5));
    });
    return scope.fetch(entry.url + "/draft", {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf || entry.csrf || "" },
      body: JSON.stringify({ values: values, skips: skips })
    }).then(function (response) { return response.ok; }, function () { return false; });
  }

  // Send every waiting answer of this person (from the service worker, which has no page: everyone's, each with
  // the token it was filled with). Resolves to the results, "sent" for each answer that arrived.
  function flush(csrf, user) {
    return all().then(function (entries) {
      var mine = entries.filter(function (e) { return sound(e) && e.state !== "refused" && (!user || e.user === user); });
      return mine.reduce(function (done, entry) {
        return done.then(function (results) {
          return send(entry, csrf, "replay").then(function (answer) {
            var result = answer.result;
            var done = function () { return remove(entry.id).then(function () { return forgetPage(entry.url); }); };
            if (result === "invalid") {
              return keepAsDraft(entry, csrf).then(function (kept) {
                results.push(kept ? "draft" : "refused");
                return kept ? done() : mark(entry, "refused");
              }).then(function () { return results; });
            }
            results.push(result);
            // "already": the first answer for that time stands (the person sees it among their answers).
            if (result === "sent" || result === "already") return done().then(function () { return results; });
            if (result === "refused") return mark(entry, "refused").then(function () { return results; });
            return results;
          });
        });
      }, Promise.resolve([]));
    });
  }

  // Remove this person's answers that could not be sent (after they were told), and unreadable entries.
  function forgetRefused(user) {
    return all().then(function (entries) {
      var gone = entries.filter(function (e) { return !sound(e) || (e.user === user && e.state === "refused"); });
      return Promise.all(gone.map(function (e) { return remove(e.id); }));
    });
  }

  // Signing out: this person's waiting answers keep whose they are, but not the token of the session that ends,
  // so nothing sends them before that person signs in again here (the page then sends them with a new token).
  function forgetSession(user) {
    return all().then(function (entries) {
      var mine = entries.filter(function (e) { return sound(e) && e.user === user && "csrf" in e; });
      return Promise.all(mine.map(function (e) { delete e.csrf; return add(e); }));
    });
  }

  // What waits for this person: (waiting, could not be sent, unreadable).
  function count(user) {
    return all().then(function (entries) {
      var waiting = 0, refused = 0, broken = 0;
      entries.forEach(function (e) {
        if (!sound(e)) broken += 1;
        else if (e.user !== user) return;
        else if (e.state === "refused") refused += 1;
        else waiting += 1;
      });
      return { waiting: waiting, refused: refused, broken: broken };
    });
  }

  scope.familyOutbox = {
    add: add, all: all, remove: remove, send: send, flush: flush, count: count, forgetRefused: forgetRefused,
    forgetPage: forgetPage, forgetPages: forgetPages, forgetSession: forgetSession, sessionEnded: sessionEnded
  };
})(self);
