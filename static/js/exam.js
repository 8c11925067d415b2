// The exam page. The server owns the deadline and every answer: this script only sends each
// answer as it changes, keeps a copy in localStorage until the server acknowledges it, resends
// what is pending when the connection returns or the page is reopened, and shows the time left.
(function () {
  "use strict";
  var bar = document.querySelector("[data-exam]");
  if (!bar) return;
  // Enter in a fill-in blank must not send the paper as a form: answers go one by one.
  var paper = document.querySelector("[data-paper]");
  if (paper) paper.addEventListener("submit", function (event) { event.preventDefault(); });

  var attemptId = bar.dataset.attempt;
  var storeKey = "exam-attempt-" + attemptId;
  var language = document.documentElement.lang;
  var label = function (name) { return bar.dataset["l" + name.charAt(0).toUpperCase() + name.slice(1)]; };
  // Server time minus device time: the countdown follows the server's clock, not the phone's.
  var offset = Date.parse(bar.dataset.now) - Date.now();
  var deadline = Date.parse(bar.dataset.deadline);
  var closed = false;

  function pending() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function keep(questionId, response) {
    var all = pending(); all[questionId] = response;
    try { localStorage.setItem(storeKey, JSON.stringify(all)); } catch (e) { /* storage full or private mode */ }
  }
  function acknowledge(questionId, response) {
    var all = pending();
    if (JSON.stringify(all[questionId]) === JSON.stringify(response)) { delete all[questionId]; }
    try { localStorage.setItem(storeKey, JSON.stringify(all)); } catch (e) { /* ignore */ }
  }

  function responseOf(fieldset) {
    var kind = fieldset.dataset.kind;
    // Options are identified by the keys the server drew for this attempt: opaque strings.
    if (kind === "single") {
      var checked = fieldset.querySelector("input:checked");
      return checked ? checked.value : null;
    }
    if (kind === "multiple") {
      return Array.prototype.map.call(fieldset.querySelectorAll("input:checked"), function (i) { return i.value; });
    }
    if (kind === "true_false") {
      var choice = fieldset.querySelector("input:checked");
      return choice ? choice.value === "true" : null;
    }
    if (kind === "fill_in") {
      return Array.prototype.map.call(fieldset.querySelectorAll("input.blank"), function (i) { return i.value; });
    }
    return fieldset.querySelector("textarea").value;
  }

  function apply(fieldset, response) {
    var kind = fieldset.dataset.kind;
    if (kind === "single" || kind === "multiple") {
      fieldset.querySelectorAll("input").forEach(function (input) {
        input.checked = kind === "single" ? response === input.value : Array.isArray(response) && response.indexOf(input.value) >= 0;
      });
    } else if (kind === "true_false") {
      fieldset.querySelectorAll("input").forEach(function (input) { input.checked = String(response) === input.value; });
    } else if (kind === "fill_in") {
      fieldset.querySelectorAll("input.blank").forEach(function (input, n) { input.value = response[n] || ""; });
    } else {
      fieldset.querySelector("textarea").value = response;
    }
  }

  function setStatus(fieldset, state) {
    fieldset.dataset.state = state;
    fieldset.querySelector("[data-status]").textContent = label(state);
    showProgress();
  }

  function showProgress() {
    var all = document.querySelectorAll("[data-question]");
    var done = document.querySelectorAll('[data-question][data-state="saved"]').length;
    bar.querySelector("[data-progress]").textContent = label("progress").replace("%(done)s", done).replace("%(total)s", all.length);
  }

  function handClosed() {
    if (closed) return;
    closed = true;
    try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
    alert(label("closed"));
    window.location.href = bar.dataset.resultUrl;
  }

  var timers = {};
  function save(fieldset) {
    if (closed) return;
    var questionId = fieldset.dataset.question;
    var response = responseOf(fieldset);
    if (response === null) return;
    keep(questionId, response);
    setStatus(fieldset, "saving");
    fetch(bar.dataset.answerUrl + questionId + "/", {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": bar.dataset.csrf, "Accept-Language": language },
      body: JSON.stringify({ response: response })
    }).then(function (reply) {
      if (reply.ok) {
        acknowledge(questionId, response);
        // A newer change may be on its way; only a save of the current value is "saved".
        if (JSON.stringify(responseOf(fieldset)) === JSON.stringify(response)) setStatus(fieldset, "saved");
      } else if (reply.status === 409) {
        handClosed();
      } else if (reply.status === 400 || reply.status === 404) {
        acknowledge(questionId, response);
        setStatus(fieldset, "invalid");
      } else {
        retryLater(fieldset);
      }
    }).catch(function () { retryLater(fieldset); });
  }

  function retryLater(fieldset) {
    setStatus(fieldset, "waiting");
    var id = fieldset.dataset.question;
    clearTimeout(timers[id]);
    timers[id] = setTimeout(function () { save(fieldset); }, 5000);
  }

  document.querySelectorAll("[data-question]").forEach(function (fieldset) {
    var stored = pending()[fieldset.dataset.question];
    if (stored !== undefined) {
      // Saved on this device but not acknowledged (the page closed or the network dropped).
      apply(fieldset, stored);
      save(fieldset);
    } else if (fieldset.querySelector("input:checked") || Array.prototype.some.call(fieldset.querySelectorAll("input.blank, textarea"), function (i) { return i.value; })) {
      fieldset.dataset.state = "saved";
      fieldset.querySelector("[data-status]").textContent = label("saved");
    }
    fieldset.addEventListener("change", function () { save(fieldset); });
    fieldset.addEventListener("input", function (event) {
      if (event.target.matches("textarea, input.blank")) {
        var id = fieldset.dataset.question;
        keep(id, responseOf(fieldset));
        clearTimeout(timers[id]);
        timers[id] = setTimeout(function () { save(fieldset); }, 800);
      }
    });
  });
  showProgress();

  window.addEventListener("online", function () {
    bar.querySelector("[data-offline]").hidden = true;
    document.querySelectorAll('[data-question][data-state="waiting"]').forEach(save);
  });
  window.addEventListener("offline", function () { bar.querySelector("[data-offline]").hidden = false; });

  function tick() {
    var left = Math.max(0, deadline - (Date.now() + offset));
    var minutes = Math.floor(left / 60000), seconds = Math.floor((left % 60000) / 1000);
    bar.querySelector("[data-timer]").textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    bar.classList.toggle("exam-bar--hurry", left < 5 * 60000);
    if (left <= 0) {
      // The server closes the attempt (after its grace period); ask it to, and show the result.
      setTimeout(submit, 2000);
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();

  var submitButton = document.querySelector("[data-submit]");
  function submit() {
    fetch(bar.dataset.submitUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": bar.dataset.csrf, "Accept-Language": language }
    }).then(function (reply) {
      if (reply.ok || reply.status === 409) {
        closed = true;
        try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
        window.location.href = bar.dataset.resultUrl;
      } else {
        submitButton.disabled = false;
      }
    }).catch(function () { submitButton.disabled = false; });
  }
  submitButton.addEventListener("click", function () {
    var unsaved = document.querySelectorAll('[data-question][data-state="saving"], [data-question][data-state="waiting"]').length;
    if (!confirm(unsaved ? submitButton.dataset.unsaved : submitButton.dataset.confirm)) return;
    submitButton.disabled = true;
    submit();
  });
})();
