// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Focus the first field with an error, so a keyboard or screen-reader user lands on it.
  document.addEventListener("DOMContentLoaded", function () {
    var bad = document.querySelector("[aria-invalid=true]");
    if (bad) { bad.focus(); }
    // The anonymous box hides the contact fields (they are ignored by the server when ticked).
    var anon = document.getElementById("anonymous");
    var contact = document.getElementById("contact-fields");
    if (anon && contact) {
      var sync = function () { contact.hidden = anon.checked; };
      anon.addEventListener("change", sync); sync();
    }
    // Characters left in the description.
    var text = document.getElementById("text"), left = document.getElementById("text-left");
    if (text && left) {
      var max = parseInt(text.getAttribute("maxlength"), 10);
      var show = function () { left.textContent = "还可输入 " + (max - text.value.length) + " 字"; };
      text.addEventListener("input", show); show();
    }
    // A submit button is disabled once pressed, so a double tap does not send twice.
    Array.prototype.forEach.call(document.querySelectorAll("form[data-once]"), function (form) {
      form.addEventListener("submit", function () {
        var b = form.querySelector("button[type=submit]"); if (b) { b.disabled = true; b.textContent = "正在提交…"; }
      });
    });
  });
})();
