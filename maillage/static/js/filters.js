// Maillage — folding filters. A list's filters sit in <details class="filters-fold">, closed in
// the page: on a phone the results come first under "Filtres (n actifs)". On a wide screen they
// open, as the filters of a side column. Without JavaScript the summary still opens them.
"use strict";

(function () {
  var wide = window.matchMedia("(min-width: 48.01rem)");

  function place() {
    document.querySelectorAll("details.filters-fold").forEach(function (fold) {
      fold.open = wide.matches;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    place();
    wide.addEventListener("change", place);
  });
})();
