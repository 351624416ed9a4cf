/* "Copy the address": a button that copies the text of the field it names, and says so where everyone sees it.
   Without this file the button stays hidden and the address stays readable and selectable in its field. */
(function () {
  "use strict";

  function copied(field) {
    // The clipboard API where the browser allows it; else the older command on the selected text.
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value).catch(function () { return legacy(field); });
    }
    return legacy(field);
  }

  function legacy(field) {
    field.focus();
    field.select();
    field.setSelectionRange(0, field.value.length);
    return document.execCommand && document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var note = document.querySelector("[data-copied]");
    if (!field || !note) return;
    var done = note.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      copied(field).then(function () {
        note.textContent = done;
        note.classList.remove("notice-error");
      }, function () {
        field.focus();
        field.select();
        note.textContent = button.getAttribute("data-copy-failed");
        note.classList.add("notice-error");
      }).then(function () { note.hidden = false; });
    });
  });
})();
