/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  var html = document.documentElement;
  var sw = "serviceWorker" in navigator ? navigator.serviceWorker : null;
  // The worker in control when this script began (null: none was). A worker that activated while the page loaded
  // may control it although the page's own request went straight to the network (see cameThroughWorker).
  var startedWith = sw ? sw.controller : null;
  var updating = false;

  function meta(name) {
    var tag = document.querySelector('meta[name="' + name + '"]');
    return tag ? tag.content : "";
  }

  // A new release waits until the person taps "Ny version – opdater": this page then reloads, and other open
  // pages of the app offer the same button (now it only reloads them), so nothing typed there is lost.
  function offerUpdate(worker) {
    var prompt = document.querySelector("[data-update]");
    if (!prompt || !sw.controller) return;
    prompt.hidden = false;
    prompt.querySelector("button").onclick = function () {
      updating = true;
      if (worker) worker.postMessage({ type: "skip-waiting" });
      else window.location.reload();
    };
  }

  if (sw) {
    window.addEventListener("load", function () {
      sw.register("/sw.js", { scope: "/" }).then(function (registration) {
        if (registration.waiting) offerUpdate(registration.waiting);
        registration.addEventListener("updatefound", function () {
          var worker = registration.installing;
          worker.addEventListener("statechange", function () {
            if (worker.state === "installed") offerUpdate(worker);
          });
        });
        document.addEventListener("visibilitychange", function () {
          if (document.visibilityState === "visible") registration.update().catch(function () {});
        });
        warm();
      }).catch(function () {});
    });
    sw.addEventListener("controllerchange", function () {
      if (updating) window.location.reload();
      else if (startedWith && sw.controller !== startedWith) offerUpdate(null); // another page took the update
    });
    sw.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-changed") showOutbox(noteFor(event.data.results || []));
    });
  }

  // Whether this page's own request went through the worker (which then kept it). Being controlled is not enough:
  // a worker that activates while the page loads takes it over after its request went straight to the network.
  function cameThroughWorker() {
    var timing = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    return !!startedWith && (timing ? timing.workerStart > 0 : true);
  }

  // The home screen names the pages to keep for reading offline; the service worker fetches them quietly.
  function warm() {
    var list = document.querySelector("[data-offline-warm]");
    var saving = navigator.connection && navigator.connection.saveData;
    if (!list || saving || html.hasAttribute("data-offline-saved")) return;
    sw.ready.then(function (registration) {
      var urls = list.getAttribute("data-offline-warm").split(" ");
      // This page came before the worker did (it took over afterwards): keep it too.
      if (!cameThroughWorker()) urls.unshift(window.location.pathname);
      registration.active.postMessage({ type: "warm", urls: urls });
    });
  }

  // A copy kept on the phone, shown without a connection: say so, with the time it was last updated, and rest
  // the forms that need the server (answers to questions still go to the outbox).
  function markOffline() {
    var saved = html.getAttribute("data-offline-saved");
    var banner = document.querySelector("[data-offline-banner]");
    if (!saved || !banner) return;
    html.classList.add("is-offline");
    var when = new Date(saved);
    var zone = { timeZone: "Europe/Copenhagen" };
    var parts = {};
    new Intl.DateTimeFormat(html.lang, Object.assign({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, zone))
      .formatToParts(when).forEach(function (p) { parts[p.type] = p.value; });
    var day = new Intl.DateTimeFormat(html.lang, Object.assign({ day: "numeric", month: "long" }, zone));
    var today = day.format(when) === day.format(new Date());
    var text = banner.getAttribute(today ? "data-today" : "data-earlier");
    banner.textContent = text.replace("{time}", parts.hour + ":" + parts.minute).replace("{date}", day.format(when));
    banner.hidden = false;
    document.querySelector("[data-offline-hint]").hidden = false;
    document.querySelectorAll("form").forEach(function (form) {
      var keep = form.hasAttribute("data-outbox") || form.hasAttribute("data-signout");
      if (String(form.method).toLowerCase() !== "post" || keep) return;
      form.querySelectorAll("button, input, select, textarea").forEach(function (el) { el.disabled = true; });
    });
  }

  // The sign-in page as the service worker keeps it (nobody's), opened without a connection (a sign-out offline):
  // it says so, and becomes the live page as soon as the connection is back.
  function offlineSignIn() {
    var retries = "familyapp-signin-retries";
    if (!html.hasAttribute("data-offline-signin")) return store(retries, null);
    var note = document.querySelector("[data-offline-signin-note]");
    if (note) note.hidden = false;
    var signedOut = document.querySelector("[data-signed-out]");
    if (signedOut) signedOut.hidden = !/[?&]signed_out=/.test(window.location.search);
    document.querySelectorAll("[data-passkey-login]").forEach(function (b) { b.disabled = true; });
    window.addEventListener("online", function () { window.location.reload(); });
    // "online" can come before the connection really carries: shown from the copy while the phone says it is
    // online, the page asks the server after 2, 4, 8 ... seconds (at most a minute apart) and reloads only once it
    // answers, so a blind reload never cuts across a page the person opens meanwhile.
    if (navigator.onLine) probeSignIn(retries);
  }

  /** Ask the server for the sign-in page (in the background, as nobody); reload when it answers, else later. */
  function probeSignIn(retries) {
    var tries = Number(store(retries)) || 0;
    setTimeout(function () {
      store(retries, String(tries + 1));
      fetch(window.location.pathname, { credentials: "omit", cache: "no-store", redirect: "manual" }).then(
        function (response) {
          if (response.ok) window.location.reload();
          else probeSignIn(retries);
        },
        function () { probeSignIn(retries); }
      );
    }, Math.min(2000 * Math.pow(2, tries), 60000));
  }

  /** Read (one argument), set or (null) remove a value kept for this tab; private modes may refuse. */
  function store(key, value) {
    try {
      if (arguments.length === 1) return window.sessionStorage.getItem(key);
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch (e) {
      return null;
    }
  }

  // Answers waiting on this phone: how many, sent when the connection is back (and when the app is opened).
  // ``note`` tells what just happened: "sent", "already" (an earlier answer stood) or "draft" (not complete).
  function showOutbox(note) {
    var box = document.querySelector("[data-outbox-status]");
    var user = meta("offline-user");
    if (!box || !user || !window.familyOutbox) return;
    window.familyOutbox.count(user).then(function (c) {
      var text = box.querySelector("[data-outbox-text]");
      var refused = box.querySelector("[data-outbox-refused]");
      if (c.waiting) text.textContent = c.waiting === 1 ? box.dataset.one : box.dataset.many.replace("{n}", c.waiting);
      else if (note) text.textContent = box.dataset[note];
      text.hidden = !c.waiting && !note;
      refused.hidden = !c.refused && !c.broken;
      refused.querySelector("span").textContent = c.refused ? box.dataset.refused : box.dataset.broken;
    }).catch(function () {});
  }

  // What to tell after sending: the most important of what happened.
  function noteFor(results) {
    return ["draft", "already", "sent"].filter(function (r) { return results.indexOf(r) >= 0; })[0] || null;
  }

  function sendWaiting() {
    var user = meta("offline-user");
    if (!user || !window.familyOutbox || html.hasAttribute("data-offline-saved") || !navigator.onLine) return;
    window.familyOutbox.flush(meta("csrf-token"), user).then(function (results) {
      showOutbox(noteFor(results));
    }).catch(function () {});
  }

  // Sign-out on a shared phone takes effect on the phone at once, with or without a connection: the pages kept for
  // reading offline go, this person's waiting answers lose the ended session's token (they stay theirs, sent after
  // their next sign-in), and a note for the server (a cookie) ends the session there at the phone's next contact,
  // whatever it is. Online, the real sign-out follows (after warning about answers not yet sent, and stopping
  // reminders to this phone); without a connection, the sign-in page (the service worker's copy) opens.
  function signOut(form) {
    var warning = document.querySelector("[data-signout-warning]");
    var user = meta("offline-user");
    var outbox = window.familyOutbox;
    function leave() {
      form.dataset.busy = "1";
      // The service worker stops keeping pages fetched before this moment (a prefetch still on its way).
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "signed-out" });
      }
      var wiped = Promise.all([
        outbox ? outbox.forgetPages() : null,
        outbox && user ? outbox.forgetSession(user).catch(function () {}) : null
      ]);
      if (html.classList.contains("is-offline") || navigator.onLine === false) {
        noteSignOut(form);
        wiped.then(function () { return Promise.race([stopRemindersHere(), later(1500)]); }).then(function () {
          window.location.href = "/auth/login?signed_out=1";
        });
        return;
      }
      // Never keep someone waiting: sign out after a moment, whatever is still going on.
      Promise.race([Promise.all([wiped, stopReminders()]), later(2500)]).then(function () {
        noteSignOut(form); // should the connection drop now, the server still hears of it at the next contact
        form.dataset.ready = "1";
        form.submit();
      });
    }
    if (!warning || !outbox || form.dataset.confirmed) { leave(); return; }
    outbox.count(user).then(function (c) {
      if (!c.waiting) { leave(); return; }
      warning.setAttribute("role", "alert");
      warning.hidden = false;
      warning.querySelector("[data-signout-anyway]").focus();
      warning.querySelector("[data-signout-anyway]").onclick = function () { form.dataset.confirmed = "1"; leave(); };
      warning.querySelector("[data-signout-stay]").onclick = function () {
        warning.hidden = true;
        form.querySelector("button").focus();
      };
    }, leave);
  }

  function later(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // The note the server reads at this phone's next contact (auth/sessions.py): the session ends there too.
  function noteSignOut(form) {
    var name = form.getAttribute("data-signed-out-cookie");
    if (!name) return;
    var secure = name.indexOf("__Host-") === 0 || window.location.protocol === "https:";
    document.cookie = name + "=1; path=/; max-age=" + 60 * 24 * 3600 + "; samesite=lax" + (secure ? "; secure" : "");
  }

  // Without a connection the server cannot be told, but this phone stops showing this person's reminders.
  function stopRemindersHere() {
    if (!sw || !("PushManager" in window) || !meta("offline-user")) return Promise.resolve();
    return sw.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (sub) { return sub && sub.unsubscribe(); }).catch(function () {});
  }

  function stopReminders() {
    if (!sw || !("PushManager" in window) || !meta("offline-user")) return Promise.resolve();
    return sw.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (sub) {
      if (!sub) return;
      return fetch("/reminders/unsubscribe", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": meta("csrf-token") },
        body: JSON.stringify({ endpoint: sub.endpoint })
      }).catch(function () {}).then(function () { return sub.unsubscribe(); });
    }).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to an error summary so screen readers hear what went wrong.
    var summary = document.querySelector("[data-autofocus]");
    if (summary) summary.focus();

    // iPhone Safari has no install prompt: point to the guide, unless already on the home screen.
    var hint = document.querySelector("[data-ios-hint]");
    var ios = /iPhone|iPad|iPod/.test(navigator.userAgent);
    var standalone = window.navigator.standalone === true || window.matchMedia("(display-mode: standalone)").matches;
    if (hint && ios && !standalone) hint.hidden = false;

    markOffline();
    offlineSignIn();
    showOutbox(false);
    sendWaiting();
    window.addEventListener("online", sendWaiting);
    var forget = document.querySelector("[data-outbox-forget]");
    if (forget) forget.addEventListener("click", function () {
      window.familyOutbox.forgetRefused(meta("offline-user")).then(function () { showOutbox(false); });
    });

    // A double tap sends a form once: its buttons rest while the page loads (unless a script took the submit).
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (String(form.method).toLowerCase() !== "post") return;
      setTimeout(function () {
        if (event.defaultPrevented) return;
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        setTimeout(function () { form.querySelectorAll("button").forEach(function (b) { b.disabled = false; }); }, 8000);
      }, 0);
    });
    window.addEventListener("pageshow", function (event) {
      // A signed-in page back from the back-forward cache may be from before a sign-out on a shared phone: ask the
      // server (a 304 while it is still the same person's current page).
      // The same for one shown again from the disk cache by Back or Forward without asking (it may be from an
      // ended session).
      var nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
      // (The reload is a navigation of its own type, so it never repeats itself.)
      if ((event.persisted || (nav && nav.type === "back_forward")) && meta("csrf-token")) return location.reload();
      document.querySelectorAll("form button:disabled").forEach(function (b) {
        if (!html.classList.contains("is-offline")) b.disabled = false;
      });
    });

    var signout = document.querySelector("[data-signout]");
    if (signout) {
      signout.addEventListener("submit", function (event) {
        if (signout.dataset.ready) return;
        event.preventDefault();
        if (!signout.dataset.busy) signOut(signout);
      });
    }
  });

  // The home-screen guide: the steps for this phone (both where it cannot tell), and the install button only when
  // the browser offers to install (Chrome's "beforeinstallprompt"; Safari and Firefox never do).
  function installSteps() {
    var ua = navigator.userAgent;
    var ios = /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
    var android = /Android/.test(ua);
    document.querySelectorAll("[data-install-steps]").forEach(function (steps) {
      var kind = steps.getAttribute("data-install-steps");
      steps.hidden = (ios && kind !== "ios") || (android && kind !== "android");
    });
  }
  document.addEventListener("DOMContentLoaded", installSteps);

  var offered = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    var button = document.querySelector("[data-install]");
    if (!button) return;
    event.preventDefault();
    offered = event; // the newest offer: an older one can no longer be shown
    button.hidden = false;
    button.onclick = function () {
      if (!offered) return;
      var shown = offered;
      offered = null;
      button.hidden = true;
      Promise.resolve(shown.prompt()).catch(function () {});
    };
  });
  window.addEventListener("appinstalled", function () {
    var button = document.querySelector("[data-install]");
    if (button) button.hidden = true;
    offered = null;
  });
})();
