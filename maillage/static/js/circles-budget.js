// Circles budget forms: show only the payee field that matches the chosen payee kind.
// Progressive: without this script every payee field shows, each with its label and errors.
"use strict";

(function () {
  var FIELD_OF_KIND = { person: "payee_user", place: "payee_place", provider: "payee_name" };

  function setUp(form) {
    var radios = form.querySelectorAll('input[type="radio"][name="payee_kind"]');
    if (!radios.length) {
      return;
    }
    var wrappers = {};
    Object.keys(FIELD_OF_KIND).forEach(function (kind) {
      wrappers[kind] = form.querySelector(".field-" + FIELD_OF_KIND[kind]);
    });

    function update() {
      var checked = form.querySelector('input[type="radio"][name="payee_kind"]:checked');
      var chosen = checked ? checked.value : null;
      Object.keys(wrappers).forEach(function (kind) {
        var wrapper = wrappers[kind];
        if (!wrapper) {
          return;
        }
        // A field the server flagged keeps showing, so its error is never hidden.
        var hasError = wrapper.querySelector(".errorlist") !== null;
        wrapper.hidden = !(kind === chosen || hasError);
      });
    }

    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-payee-form]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
