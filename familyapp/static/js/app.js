/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
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
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form button:disabled").forEach(function (b) { b.disabled = false; });
    });

    // Sign-out also empties this browser's caches, for shared phones.
    var signout = document.querySelector("[data-signout]");
    if (signout && "caches" in window) {
      signout.addEventListener("submit", function () {
        caches.keys().then(function (keys) { keys.forEach(function (k) { caches.delete(k); }); });
      });
    }
  });

  // Android/Chrome: offer the install button on the guide page.
  window.addEventListener("beforeinstallprompt", function (event) {
    var button = document.querySelector("[data-install]");
    if (!button) return;
    event.preventDefault();
    button.hidden = false;
    button.addEventListener("click", function () { event.prompt(); button.hidden = true; });
  });
})();
