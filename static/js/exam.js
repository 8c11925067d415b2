// The exam page. The server owns the deadline and every answer: this script only sends each
// answer as it changes, keeps a copy in localStorage until the server acknowledges it, resends
// what is pending when the connection returns or the page is reopened, and shows the time left.
// It never hands the paper in by itself: the learner presses Submit, or the server closes the
// attempt at its deadline with the answers it has received.
(function () {
  "use strict";
  // A submit or the deadline brings the learner here: start reading, and the keyboard, at the result.
  var result = document.querySelector("[data-result]");
  if (result && window.location.hash === "#result") result.focus();

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
  var closesAt = Date.parse(bar.dataset.closes); // the deadline plus the grace period
  var questions = Array.prototype.slice.call(document.querySelectorAll("[data-question]"));
  var offlineNote = bar.querySelector("[data-offline]");
  var timeUpNote = bar.querySelector("[data-time-up]");
  var submitButton = document.querySelector("[data-submit]");
  var message = document.querySelector("[data-submit-message]");
  var dialog = document.querySelector("[data-submit-dialog]");
  var closed = false; // the server has closed the attempt (or the learner handed it in)
  var timeIsUp = false;
  var busy = false; // handing in
  // A request failed for want of a network, though the browser may still think it is online.
  var connectionLost = false;

  // --- Answers kept on this device until the server has them --------------------------------
  var memory = null; // used instead of localStorage once it cannot be written (full, private mode)
  function pending() {
    if (memory) return Object.assign({}, memory);
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function store(all) {
    if (!memory) {
      try { localStorage.setItem(storeKey, JSON.stringify(all)); return; } catch (e) { /* below */ }
    }
    memory = all;
  }
  function keep(questionId, response) {
    var all = pending(); all[questionId] = response; store(all);
  }
  function acknowledge(questionId, response) {
    var all = pending();
    if (JSON.stringify(all[questionId]) === JSON.stringify(response)) { delete all[questionId]; store(all); }
  }
  function forget() {
    memory = null;
    try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
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

  function progressText() {
    var done = questions.filter(function (f) { return f.dataset.state === "saved"; }).length;
    return label("progress").replace("%(done)s", done).replace("%(total)s", questions.length);
  }
  function showProgress() { bar.querySelector("[data-progress]").textContent = progressText(); }

  // --- The connection ----------------------------------------------------------------------
  function offline() { return navigator.onLine === false || connectionLost; }
  function showConnection() {
    offlineNote.hidden = !offline();
    if (timeIsUp && !closed) timeUpNote.textContent = label(offline() ? "timeUpOffline" : "timeUp");
  }
  function reached() { if (connectionLost) { connectionLost = false; showConnection(); } }
  function lost() { if (!connectionLost) { connectionLost = true; showConnection(); } }

  function goToResult() {
    closed = true;
    forget();
    // The result is this same address: replace it with the marked one and load it afresh, at
    // the result rather than wherever the paper was scrolled to.
    if ("scrollRestoration" in window.history) window.history.scrollRestoration = "manual";
    window.history.replaceState(null, "", bar.dataset.resultUrl + "#result");
    window.location.reload();
  }

  // --- Saving ------------------------------------------------------------------------------
  // One request at a time per question, so an older answer can never overtake a newer one.
  var queues = {};
  var timers = {};
  function save(fieldset) {
    var id = fieldset.dataset.question;
    clearTimeout(timers[id]);
    var run = function () { return send(fieldset); };
    queues[id] = (queues[id] || Promise.resolve()).then(run, run);
    return queues[id];
  }

  // Sends the question's current answer if the server does not have it yet. Resolves to
  // "saved", "invalid", "waiting" (will retry), "closed" or "empty".
  function send(fieldset) {
    var id = fieldset.dataset.question;
    if (closed) return Promise.resolve("closed");
    if (pending()[id] === undefined) return Promise.resolve(fieldset.dataset.state || "empty");
    var response = responseOf(fieldset);
    if (response === null) return Promise.resolve("empty");
    keep(id, response);
    setStatus(fieldset, "saving");
    return fetch(bar.dataset.answerUrl + id + "/", {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": bar.dataset.csrf, "Accept-Language": language },
      body: JSON.stringify({ response: response })
    }).then(function (reply) {
      reached();
      if (reply.ok) {
        acknowledge(id, response);
        // A newer change may be on its way; only a save of the current value is "saved".
        if (JSON.stringify(responseOf(fieldset)) === JSON.stringify(response)) setStatus(fieldset, "saved");
        return "saved";
      }
      if (reply.status === 409) {
        // Closed by the server: handed in from another tab, or past the deadline and its grace.
        goToResult();
        return "closed";
      }
      if (reply.status === 400 || reply.status === 404) {
        acknowledge(id, response);
        setStatus(fieldset, "invalid");
        return "invalid";
      }
      retryLater(fieldset);
      return "waiting";
    }, function () {
      lost();
      retryLater(fieldset);
      return "waiting";
    });
  }

  function retryLater(fieldset) {
    setStatus(fieldset, "waiting");
    var id = fieldset.dataset.question;
    clearTimeout(timers[id]);
    timers[id] = setTimeout(function () { save(fieldset); }, 5000);
  }

  function unsaved() {
    var all = pending();
    return questions.filter(function (f) { return all[f.dataset.question] !== undefined; });
  }
  // Sends every answer the server does not have yet. Resolves to "saved", "unsaved" or "closed".
  function flush() {
    return Promise.all(unsaved().map(save)).then(function () {
      if (closed) return "closed";
      return unsaved().length ? "unsaved" : "saved";
    });
  }

  questions.forEach(function (fieldset) {
    var id = fieldset.dataset.question;
    if (pending()[id] !== undefined) {
      // Saved on this device but not acknowledged (the page closed or the network dropped).
      apply(fieldset, pending()[id]);
      save(fieldset);
    } else if (fieldset.querySelector("input:checked") || Array.prototype.some.call(fieldset.querySelectorAll("input.blank, textarea"), function (i) { return i.value; })) {
      fieldset.dataset.state = "saved";
      fieldset.querySelector("[data-status]").textContent = label("saved");
    }
    fieldset.addEventListener("change", function () {
      var response = responseOf(fieldset);
      if (response === null) return;
      keep(id, response);
      save(fieldset);
    });
    fieldset.addEventListener("input", function (event) {
      if (event.target.matches("textarea, input.blank")) {
        keep(id, responseOf(fieldset));
        clearTimeout(timers[id]);
        timers[id] = setTimeout(function () { save(fieldset); }, 800);
      }
    });
  });
  showProgress();
  showConnection();

  window.addEventListener("online", function () {
    connectionLost = false;
    showConnection();
    flush().then(function (state) {
      // Tell a learner who was told to wait that they can hand in now.
      if (state === "saved" && !message.hidden && !busy) tell("backOnline", "success", false);
    });
  });
  window.addEventListener("offline", showConnection);

  // --- Time --------------------------------------------------------------------------------
  function tick() {
    var left = Math.max(0, deadline - (Date.now() + offset));
    var minutes = Math.floor(left / 60000), seconds = Math.floor((left % 60000) / 1000);
    bar.querySelector("[data-timer]").textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    bar.classList.toggle("exam-bar--hurry", left < 5 * 60000);
    if (left <= 0) { timeUp(); return; }
    setTimeout(tick, 1000);
  }

  // The time is up: no more writing. The answers still on their way have until the deadline's
  // grace period ends; then the server closes the attempt with what it has, and the result
  // page (which closes it, if no one has yet) is shown. Nothing is handed in from here.
  function timeUp() {
    timeIsUp = true;
    questions.forEach(function (fieldset) { fieldset.disabled = true; });
    showConnection();
    timeUpNote.hidden = false;
    timeUpNote.focus();
    flush();
    waitForClose();
  }
  function waitForClose() {
    if (closed) return;
    if (Date.now() + offset <= closesAt || navigator.onLine === false) {
      setTimeout(waitForClose, 1000);
      return;
    }
    // Only leave the page once the result can be loaded: offline, the learner keeps this one.
    fetch(bar.dataset.resultUrl, { credentials: "same-origin" }).then(function (reply) {
      if (reply.ok) goToResult(); else setTimeout(waitForClose, 5000);
    }, function () { lost(); setTimeout(waitForClose, 5000); });
  }
  tick();

  // --- Handing in --------------------------------------------------------------------------
  // The message under the Submit button. `kind` is "note", "error" or "success"; with
  // `focus`, the keyboard (and a screen reader) moves to it.
  function tell(name, kind, focus) {
    message.textContent = label(name);
    message.className = "message exam-message exam-message--" + kind + (kind === "error" ? " message--error" : kind === "success" ? " message--success" : "");
    message.hidden = false;
    if (focus) message.focus();
  }
  function setBusy(value) {
    busy = value;
    // aria-disabled rather than disabled: a disabled button would lose the keyboard focus.
    if (value) submitButton.setAttribute("aria-disabled", "true"); else submitButton.removeAttribute("aria-disabled");
  }

  function handIn() {
    setBusy(true);
    tell("handingIn", "note", false);
    flush().then(function (state) {
      if (state === "closed") return null;
      if (state === "unsaved") {
        setBusy(false);
        tell(offline() ? "offlineSubmit" : "submitFailed", "error", true);
        return null;
      }
      return fetch(bar.dataset.submitUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": bar.dataset.csrf, "Accept-Language": language }
      }).then(function (reply) {
        reached();
        if (reply.ok || reply.status === 409) { goToResult(); return; }
        setBusy(false);
        tell("submitFailed", "error", true);
      }, function () {
        lost();
        setBusy(false);
        tell("offlineSubmit", "error", true);
      });
    });
  }

  // Asks with a native <dialog> (keyboard and screen readers know it; Escape cancels), or
  // with confirm() where <dialog> is missing.
  function confirmSubmit(then) {
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(submitButton.dataset.confirm)) then();
      return;
    }
    dialog.querySelector("[data-dialog-progress]").textContent = progressText();
    dialog.returnValue = "";
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      submitButton.focus();
      if (dialog.returnValue === "submit") then();
    });
    dialog.showModal();
  }

  submitButton.addEventListener("click", function () {
    if (busy || closed) return;
    // Offline the paper cannot reach the server: say so at once, and keep every answer.
    if (navigator.onLine === false) { tell("offlineSubmit", "error", true); return; }
    confirmSubmit(handIn);
  });
})();
