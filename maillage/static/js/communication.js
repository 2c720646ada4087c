// Communication: "Copier" beside the texts to paste (share text, weekly fragment, widget code),
// as selecting a whole box of text on a phone is fiddly. Without JavaScript the buttons stay
// hidden and the texts can still be selected by hand.
"use strict";

(function () {
  function copy(button) {
    var box = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (!box) { return; }
    function done(ok) {
      if (status) { status.textContent = ok ? button.dataset.copied : button.dataset.selected; }
    }
    box.focus();
    box.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(box.value).then(function () { done(true); }, function () {
        done(false);
      });
    } else {
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
      done(ok);
    }
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
})();
