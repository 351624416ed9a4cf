/* "Læs op": the phone's own speech synthesis reads the page's main content (or one questionnaire item with its
   answer choices) in the page's language. Nothing is sent anywhere. Without a voice for the language, or without
   speech at all, it says so plainly. */
(function () {
  "use strict";

  var box = document.querySelector("[data-read-aloud]");
  if (!box) return;
  var speech = window.speechSynthesis;
  var lang = (document.documentElement.lang || "da").toLowerCase();
  var status = box.querySelector("[data-read-status]");
  var current = null;
  // What is never read: the controls themselves, what is hidden, what only a screen reader hears (it would be
  // said twice), and pictures.
  var SKIP = "[data-read-aloud], [data-read-this], [hidden], script, style, template, svg, select, .visually-hidden, [aria-hidden=true]";

  function textOf(root) {
    var parts = [];
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        return parent && parent.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    });
    while (walker.nextNode()) parts.push(walker.currentNode.nodeValue);
    return parts.join(" ").replace(/\s+/g, " ").trim();
  }

  function voiceFor() {
    var voices = speech.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if ((voices[i].lang || "").toLowerCase().replace("_", "-").split("-")[0] === lang) return voices[i];
    }
    return null;
  }

  function say(message) {
    status.textContent = message;
  }

  function stop() {
    if (speech) speech.cancel();
    if (current) current.setAttribute("aria-pressed", "false");
    current = null;
  }

  function read(button, root) {
    if (current === button) return stop();
    stop();
    if (!speech || typeof window.SpeechSynthesisUtterance !== "function") return say(box.dataset.noSpeech);
    var voice = voiceFor();
    if (!voice) return say(box.dataset.noVoice);
    var utterance = new window.SpeechSynthesisUtterance(textOf(root));
    utterance.lang = voice.lang || lang;
    utterance.voice = voice;
    utterance.onend = function () {
      if (current === button) stop();
    };
    say("");
    current = button;
    button.setAttribute("aria-pressed", "true");
    speech.speak(utterance);
  }

  function start(event) {
    var button = event.target.closest("[data-read-button], [data-read-this]");
    if (!button) return;
    var root = button.hasAttribute("data-read-this")
      ? document.getElementById(button.getAttribute("data-read-this"))
      : document.getElementById("main");
    if (!root) return;
    // Voices may arrive a moment after the page: wait for them once before saying there is none.
    if (speech && !speech.getVoices().length && "onvoiceschanged" in speech) {
      var waited = false;
      var go = function () {
        if (waited) return;
        waited = true;
        read(button, root);
      };
      speech.addEventListener("voiceschanged", go, { once: true });
      setTimeout(go, 1000);
      return;
    }
    read(button, root);
  }

  box.hidden = false;
  document.querySelectorAll("[data-read-this]").forEach(function (b) {
    b.hidden = false;
  });
  document.addEventListener("click", start);
  window.addEventListener("pagehide", stop);
})();
