// Study time on a lesson page. The server decides what counts (courses/progress.py); this
// script only tells it, every few seconds, that the page is in front of the learner, and
// says so once more when the page is hidden or loses focus, which stops the clock.
(function () {
  "use strict";
  var box = document.querySelector("[data-study]");
  if (!box) return;

  var interval = parseInt(box.dataset.interval, 10) * 1000;
  var requiredMs = parseInt(box.dataset.requiredMs, 10);
  var bar = box.querySelector("[data-study-bar]");
  var label = box.querySelector("[data-study-label]");
  var doneBadge = box.querySelector("[data-study-done]");
  var video = document.querySelector(".lesson__video");
  var videoPlayed = 0; // seconds of video played at normal pace since the last heartbeat
  var lastTime = null;
  var language = document.documentElement.lang;

  if (video) {
    video.addEventListener("timeupdate", function () {
      var t = video.currentTime;
      // Count only continuous playback: a seek is a jump, not watching.
      if (lastTime !== null && !video.seeking && t > lastTime && t - lastTime < 1.5) {
        videoPlayed += (t - lastTime) / Math.max(video.playbackRate, 1);
      }
      lastTime = t;
    });
    video.addEventListener("seeking", function () { lastTime = null; });
  }

  // The label counts seconds as the bar does, both from the server's figure; the wording comes
  // from the template, in the page's language.
  function show(studiedMs, completed) {
    var share = requiredMs > 0 ? Math.min(studiedMs / requiredMs, 1) : 1;
    bar.style.width = Math.floor(share * 100) + "%";
    bar.parentNode.setAttribute("aria-valuenow", String(Math.floor(share * 100)));
    var seconds = Math.floor(studiedMs / 1000);
    label.textContent = box.dataset.lStudied
      .replace("%(minutes)s", Math.floor(seconds / 60))
      .replace("%(seconds)s", seconds % 60)
      .replace("%(required)s", Math.floor(requiredMs / 60000));
    if (completed) doneBadge.hidden = false;
  }

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": box.dataset.csrf,
        "Accept-Language": language
      },
      body: JSON.stringify(body || {})
    });
  }

  function beat(visible) {
    var body = { state: visible ? "visible" : "hidden", video_seconds: videoPlayed, video_ended: !!(video && video.ended) };
    videoPlayed = 0;
    post(box.dataset.heartbeatUrl, body, !visible)
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) show(data.studied_seconds * 1000, data.completed); })
      .catch(function () { /* offline: the next heartbeat tries again; missed time is not credited */ });
  }

  function inFront() { return document.visibilityState === "visible" && document.hasFocus(); }

  show(parseInt(box.dataset.studiedMs, 10), !doneBadge.hidden);
  post(box.dataset.visitUrl);
  if (inFront()) beat(true);
  setInterval(function () { if (inFront()) beat(true); }, interval);
  document.addEventListener("visibilitychange", function () { beat(document.visibilityState === "visible" && document.hasFocus()); });
  window.addEventListener("blur", function () { beat(false); });
  window.addEventListener("focus", function () { beat(true); });
  window.addEventListener("pagehide", function () { beat(false); });
})();
