// The report form: shows the 110 advice while the reporter types, when the text reads as
// imminent danger. The same terms as the server (services/intake/danger.py), which decides
// again on submission; without this script the advice comes with the receipt.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("danger-terms"), text = document.getElementById("text"),
        advice = document.getElementById("danger-advice");
    if (!data || !text || !advice) { return; }
    var terms = JSON.parse(data.textContent);
    var any = function (list, s) { return list.some(function (t) { return s.indexOf(t) >= 0; }); };
    var check = function () {
      var s = text.value;
      advice.hidden = !(any(terms.life, s) || (any(terms.acts, s) && any(terms.now, s)));
    };
    text.addEventListener("input", check); check();
  });
})();
