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

  function show(studiedMs, completed) {
    var share = Math.min(studiedMs / requiredMs, 1);
    bar.style.width = Math.floor(share * 100) + "%";
    var studied = Math.floor(studiedMs / 60000);
    var required = Math.floor(requiredMs / 60000);
    label.textContent = language === "en"
      ? "Studied " + studied + " of " + required + " minutes"
      : "已学习 " + studied + " / " + required + " 分钟";
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
