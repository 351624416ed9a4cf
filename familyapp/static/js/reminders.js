/* Reminders: switch push on for this phone after a tap (never on page load), or off again. */
(function () {
  "use strict";

  var box = document.querySelector("[data-push]");
  if (!box) return;
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var on = box.querySelector("[data-push-on]");
  var off = box.querySelector("[data-push-off]");
  var error = box.querySelector("[data-push-error]");
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) return;
  box.querySelector("[data-push-unsupported]").hidden = true;

  function key(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.content : "" },
      body: JSON.stringify(body)
    }).then(function (response) { if (!response.ok) throw new Error("refused"); });
  }

  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    box.querySelector("[data-push-state-on]").hidden = !subscribed;
    box.querySelector("[data-push-state-off]").hidden = subscribed;
  }

  function fail(text) {
    error.textContent = text;
    error.hidden = false;
  }

  // Whether this phone's subscription reminds the signed-in person: the server lists the SHA-256 of their own
  // browsers' push addresses (one left by someone else on a shared phone is not theirs: "on" offers to take it).
  function mine(sub) {
    if (!sub) return Promise.resolve(false);
    var own = (box.dataset.own || "").split(" ");
    if (!window.crypto || !crypto.subtle) return Promise.resolve(true);
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(sub.endpoint)).then(function (digest) {
      var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      return own.indexOf(hex) >= 0;
    });
  }

  navigator.serviceWorker.ready.then(function (registration) {
    registration.pushManager.getSubscription().then(mine).then(show, function () { show(false); });

    on.addEventListener("click", function () {
      error.hidden = true;
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") { fail(permission === "denied" ? box.dataset.denied : box.dataset.dismissed); return; }
        return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.dataset.key) })
          .then(function (sub) { return post(box.dataset.subscribe, sub.toJSON()); })
          .then(function () { show(true); });
      }).catch(function () { fail(box.dataset.failed); });
    });

    off.addEventListener("click", function () {
      registration.pushManager.getSubscription().then(function (sub) {
        if (!sub) { show(false); return; }
        return post(box.dataset.unsubscribe, { endpoint: sub.endpoint })
          .then(function () { return sub.unsubscribe(); })
          .then(function () { show(false); });
      }).catch(function () { fail(box.dataset.failed); });
    });
  });
})();
