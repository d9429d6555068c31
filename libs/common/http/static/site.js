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
    // Live lists (the console's cases, a desk's queue): reloaded every N seconds while the
    // page is in front and nobody is typing in it, so new cases appear without a click.
    var live = document.querySelector("[data-refresh]");
    if (live) {
      var every = Math.max(10, parseInt(live.getAttribute("data-refresh"), 10) || 30) * 1000;
      setInterval(function () {
        var typing = document.activeElement && /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
        if (document.visibilityState === "visible" && !typing) { window.location.reload(); }
      }, every);
    }
    // A submit button is disabled once pressed, so a double tap does not send twice.
    Array.prototype.forEach.call(document.querySelectorAll("form[data-once]"), function (form) {
      form.addEventListener("submit", function () {
        var b = form.querySelector("button[type=submit]"); if (b) { b.disabled = true; b.textContent = "正在提交…"; }
      });
    });
  });
})();
