/* A page made for printing: its "Print / gem som PDF" button opens the browser's print (where a PDF can also be
   saved), and a link to the page ending in #print opens the print at once. Without script, the page's hint says
   how to print; the button stays hidden. */
(function () {
  "use strict";

  var button = document.querySelector("[data-print]");
  if (!button || typeof window.print !== "function") return;
  button.hidden = false;
  var hint = document.querySelector("[data-print-hint]");
  if (hint) hint.hidden = true;
  button.addEventListener("click", function () { window.print(); });

  if (window.location.hash === "#print") {
    // Once: going back to the page or reloading it does not open the print again.
    history.replaceState(history.state, "", window.location.pathname + window.location.search);
    window.addEventListener("load", function () { window.print(); });
  }
})();
