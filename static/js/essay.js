// The reflection essay's length as 字数 is counted (every character but spaces), under the box,
// and the submit held back while it is short. The server checks the same length again.
(function () {
  "use strict";
  document.querySelectorAll("[data-essay-form]").forEach(function (form) {
    var box = form.querySelector("textarea");
    var count = form.querySelector(".essay-form__count");
    var minimum = parseInt(box.getAttribute("data-min"), 10) || 0;

    function length() {
      return box.value.replace(/\s/g, "").length;
    }
    function show() {
      var n = length();
      var short = n < minimum;
      var template = count.getAttribute(short ? "data-template-short" : "data-template");
      count.textContent = template.replace("%(count)s", n).replace("%(min)s", minimum);
      count.classList.toggle("essay-form__count--short", short);
      box.setCustomValidity(short ? count.textContent : "");
    }
    box.addEventListener("input", show);
    show();
  });
})();
