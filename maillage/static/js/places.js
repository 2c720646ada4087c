// Places — the place form. The page works without this file.
"use strict";

(function () {
  document.addEventListener("DOMContentLoaded", function () {
    // Typing in the commune box again forgets the commune chosen before, so the text typed
    // is what the server resolves (a stale hidden INSEE code would win silently otherwise).
    document.querySelectorAll("[data-commune-search]").forEach(function (input) {
      var target = document.getElementById(input.dataset.communeTarget);
      if (!target) { return; }
      input.addEventListener("input", function () { target.value = ""; });
    });
  });
})();
