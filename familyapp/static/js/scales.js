/* Scales: the typed number becomes a large slider with no answer shown until the person moves it, and what is
 * filled is kept as a draft on the server. Without this file the form works with typed numbers. */
(function () {
  "use strict";

  var form = document.querySelector("[data-scale-form]");
  if (!form) return;
  var comma = form.getAttribute("data-decimal") === ",";
  var token = document.querySelector('meta[name="csrf-token"]');
  var state = form.querySelector("[data-draft-state]");
  var timer = null;
  var THUMB = 34; // the thumb's width in app.css

  function format(value, step) {
    var text = Number(value).toFixed(step < 1 ? 1 : 0);
    return comma ? text.replace(".", ",") : text;
  }

  function parse(text) {
    var value = parseFloat(String(text || "").replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function enhance(box) {
    var min = parseFloat(box.getAttribute("data-min"));
    var max = parseFloat(box.getAttribute("data-max"));
    var step = parseFloat(box.getAttribute("data-step"));
    var typed = box.querySelector("[data-value]");
    var skip = box.querySelector("[data-skip]");
    var shown = box.querySelector("[data-shown]");
    var key = box.getAttribute("data-item");
    var range = document.createElement("input");
    range.type = "range";
    range.className = "vas-range";
    range.min = min;
    range.max = max;
    range.step = step;
    range.id = "range-" + key;
    range.setAttribute("aria-labelledby", "legend-" + key);
    range.setAttribute("aria-describedby", "ends-" + key);

    function show(value) {
      var answered = value !== null;
      range.classList.toggle("untouched", !answered);
      range.setAttribute(
        "aria-valuetext",
        answered ? format(value, step) + " " + box.getAttribute("data-of") : box.getAttribute("data-unanswered")
      );
      shown.textContent = answered ? format(value, step) : box.getAttribute("data-unanswered");
    }

    // No position that looks like an answer: the thumb is hidden until the person moves it.
    var start = parse(typed.value);
    range.value = start === null ? (min + max) / 2 : start;
    show(start);

    function choose(value) {
      typed.value = format(value, step);
      skip.checked = false;
      show(value);
      keep();
    }

    range.addEventListener("input", function () { choose(parseFloat(range.value)); });

    // A touch that turns into scrolling the page is not an answer: what it did is undone. A tap that the
    // browser did not turn into a value (some phones only move a visible thumb) answers where the finger was;
    // the thumb's centre can reach half a thumb from each end, as in the browser's own slider.
    var before = null;
    range.addEventListener("pointerdown", function (event) {
      before = { typed: typed.value, x: event.clientX };
    });
    range.addEventListener("pointercancel", function () {
      if (!before) return;
      typed.value = before.typed;
      var kept = parse(before.typed);
      range.value = kept === null ? (min + max) / 2 : kept;
      show(kept);
      before = null;
      keep();
    });
    range.addEventListener("pointerup", function (event) {
      if (!before) return;
      var area = range.getBoundingClientRect();
      var tapped = Math.abs(event.clientX - before.x) < 8 && typed.value === before.typed;
      before = null;
      if (!tapped || area.width <= THUMB) return;
      var share = Math.min(Math.max((event.clientX - area.left - THUMB / 2) / (area.width - THUMB), 0), 1);
      range.value = Math.round((min + share * (max - min)) / step) * step;
      choose(parseFloat(range.value));
    });
    // The typed number stays available (for a screen reader user it is often quicker) and moves the slider.
    typed.addEventListener("input", function () {
      var value = parse(typed.value);
      var fits = value !== null && value >= min && value <= max;
      if (fits) range.value = value;
      show(fits ? value : null);
      if (typed.value) skip.checked = false;
      keep();
    });
    skip.addEventListener("change", function () {
      if (skip.checked) {
        typed.value = "";
        show(null);
      }
      keep();
    });
    box.querySelector("[data-track]").appendChild(range);
    box.classList.add("vas-ready");
  }

  function collect() {
    var values = {};
    var skips = [];
    form.querySelectorAll("[data-item]").forEach(function (box) {
      var key = box.getAttribute("data-item");
      var chosen = box.querySelector("[data-value]") || box.querySelector("input[type=radio]:checked");
      if (chosen && chosen.value) values[key] = chosen.value;
      var skip = box.querySelector("[data-skip]");
      if (skip && skip.checked) skips.push(key);
    });
    return { values: values, skips: skips };
  }

  // Keep a draft a moment after each change, so leaving the page loses nothing.
  function keep() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(form.getAttribute("data-draft-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.content : "" },
        body: JSON.stringify(collect()),
      }).then(function (response) {
        if (response.ok && state) state.textContent = state.getAttribute("data-saved") || "";
      }).catch(function () {});
    }, 800);
  }

  // Sending: the page sends the answer itself, so that without a connection (or with an ended sign-in) it waits
  // on the phone instead of being lost. The same id goes with every attempt: the server counts it once.
  function showQueued() {
    var queued = document.querySelector("[data-queued]");
    form.hidden = true;
    document.querySelectorAll(".decline-form").forEach(function (f) { f.hidden = true; });
    queued.hidden = false;
    queued.focus();
  }

  // Without a connection the server cannot check the answer: keep it only when every question has an answer in
  // range, or "I do not want to answer".
  function complete() {
    var ok = true;
    form.querySelectorAll("[data-item]").forEach(function (box) {
      var skip = box.querySelector("[data-skip]");
      if (skip && skip.checked) return;
      var typed = box.querySelector("[data-value]");
      if (typed) {
        var value = parse(typed.value);
        var min = parseFloat(box.getAttribute("data-min")), max = parseFloat(box.getAttribute("data-max"));
        if (value === null || value < min || value > max) ok = false;
      } else if (!box.querySelector("input[type=radio]:checked")) {
        ok = false;
      }
    });
    return ok;
  }

  function send(event) {
    event.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    clearTimeout(timer); // no draft after the answer
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, String(value)]); });
    var csrf = token ? token.content : "";
    var entry = {
      id: form.elements.client_id.value, url: form.getAttribute("action"), fields: fields, csrf: csrf,
      user: (document.querySelector('meta[name="offline-user"]') || {}).content || ""
    };
    window.familyOutbox.send(entry, csrf, "submit").then(function (answer) {
      if (answer.result === "sent") {
        window.location.href = answer.url || window.location.href;
      } else if ((answer.result === "keep" || answer.result === "signin") && !complete()) {
        delete form.dataset.busy;
        var note = document.querySelector("[data-incomplete]");
        note.setAttribute("role", "alert");
        note.hidden = false;
        note.focus();
      } else if (answer.result === "keep" || answer.result === "signin") {
        return window.familyOutbox.add(entry).then(function () {
          if ("serviceWorker" in navigator) {
            navigator.serviceWorker.ready.then(function (r) { return r.sync && r.sync.register("outbox"); })
              .catch(function () {});
          }
          if (answer.result === "signin") window.location.href = "/auth/login?next=%2F";
          else showQueued();
        });
      } else {
        form.submit(); // the server's own page says what is wrong, and keeps what was typed
      }
    }).catch(function () {
      delete form.dataset.busy;
      form.submit();
    });
  }

  if (form.hasAttribute("data-outbox") && window.familyOutbox) form.addEventListener("submit", send);

  form.querySelectorAll("[data-vas]").forEach(enhance);
  form.querySelectorAll("input[type=radio], [data-skip]").forEach(function (input) {
    input.addEventListener("change", keep);
  });
})();
