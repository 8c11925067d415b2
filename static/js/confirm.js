// Forms that ask before they are sent: <form data-confirm="…">. A script file rather than an
// onsubmit attribute, because the Content-Security-Policy runs no inline script.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();
