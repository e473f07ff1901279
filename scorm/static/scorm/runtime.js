/* The lesson page's side of a SCORM lesson. The package plays in a sandboxed frame of its own (an opaque origin:
 * it can reach neither this page nor the learner's cookies nor the site with the learner's rights); the SCORM API
 * and its data model live in that frame (scorm/sco-api.js, which the server puts in every HTML page of the
 * package). This script opens the learner's attempt, hands its state to the frame in the frame's name before
 * loading the package, listens to what the frame posts, and saves it with the learner's session: in batches
 * (fetch, CSRF token; sendBeacon when the page is hidden or left), each with a growing sequence number so the
 * server never takes data backwards. A message is heeded only when it comes from this page's own frame and
 * has the expected shape; the server checks the data again. Our own script, no third party. */
(function () {
  "use strict";
  var PROTOCOL = "frontline.scorm/1";
  var NAME_PREFIX = PROTOCOL + ":";
  var TYPES = ["set", "commit", "finish"];
  var ELEMENT = /^(cmi|adl)\.[A-Za-z0-9_.]+$/;
  var MAX_ELEMENTS = 3000;
  var root = document.querySelector("[data-scorm]");
  if (!root) return;
  var frame = root.querySelector("[data-scorm-frame]");
  var loading = root.querySelector("[data-scorm-loading]");
  var statusLine = root.querySelector("[data-scorm-status]");
  var csrfInput = root.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  // With a content host of its own (SCORM_CONTENT_ORIGIN), the package's frame is that origin; else opaque ("null").
  var contentOrigin = root.dataset.contentOrigin || "";

  var state = null; // from the server: attempt, commit_url, seq, data, entry, total_seconds, learner…
  var data = {}; // element → value, as the frame last sent it
  var sessionSeconds = 0;
  var dirty = false, inFlight = false, again = false, seq = 0, timer = null;

  function say(text, kind) {
    statusLine.textContent = text || "";
    statusLine.className = "scorm__status" + (kind ? " scorm__status--" + kind : "");
    statusLine.setAttribute("data-state", kind || "");
  }

  // ---- what the frame may say ---------------------------------------------------------------------
  function isPlainObject(value) {
    return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
  }
  // The message, or null when it is not from our frame or not of the expected shape.
  function heed(event) {
    if (!state || !frame.contentWindow || event.source !== frame.contentWindow) return null;
    if (event.origin !== (contentOrigin || "null")) return null;
    var message = event.data;
    if (!isPlainObject(message) || message.scorm !== PROTOCOL || TYPES.indexOf(message.type) < 0) return null;
    if (!isPlainObject(message.data)) return null;
    var names = Object.keys(message.data);
    if (names.length > MAX_ELEMENTS) return null;
    for (var i = 0; i < names.length; i++) {
      if (!ELEMENT.test(names[i]) || typeof message.data[names[i]] !== "string") return null;
    }
    var seconds = message.session_seconds;
    if (typeof seconds !== "number" || !isFinite(seconds) || seconds < 0 || seconds > 1e9) return null;
    return message;
  }
  window.addEventListener("message", function (event) {
    var message = heed(event);
    if (!message) return;
    var copy = {};
    Object.keys(message.data).forEach(function (name) { copy[name] = message.data[name]; });
    data = copy;
    sessionSeconds = message.session_seconds;
    dirty = true;
    if (message.type === "set") scheduleAutoCommit(); else flush();
  });

  // ---- talking to the server ---------------------------------------------------------------------
  function nextSeq() { seq = Math.max(seq + 1, Date.now()); return seq; }
  function totalSeconds() { return Math.round((state.total_seconds || 0) + sessionSeconds); }
  // URL-encoded rather than FormData: cheaper for the server to read than a multipart body (commits are
  // its busiest endpoint), and for a package's usual ASCII suspend data about as long.
  function payload() {
    var form = new URLSearchParams();
    form.append("csrfmiddlewaretoken", csrf);
    form.append("state", JSON.stringify({ seq: nextSeq(), data: data, total_seconds: totalSeconds() }));
    return form;
  }
  function scheduleAutoCommit() {
    if (timer === null) timer = setTimeout(function () { timer = null; flush(); }, 10000);
  }
  function flush() {
    if (!state || !dirty) return;
    if (inFlight) { again = true; return; }
    if (timer !== null) { clearTimeout(timer); timer = null; }
    inFlight = true; dirty = false;
    say(root.dataset.saving, "saving");
    fetch(state.commit_url, { method: "POST", body: payload(), credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (result) {
        inFlight = false;
        if (!result.ok) { dirty = true; say(result.body.error || root.dataset.offline, "error"); return; }
        if (result.body.done) say("✓ " + root.dataset.done, "done"); else say(root.dataset.saved, "saved");
        if (again || dirty) { again = false; flush(); }
      })
      .catch(function () { inFlight = false; dirty = true; say(root.dataset.offline, "error"); scheduleAutoCommit(); });
  }
  function beacon() {
    if (!state || !dirty || !navigator.sendBeacon) return;
    if (navigator.sendBeacon(state.commit_url, payload())) dirty = false;
  }
  window.addEventListener("pagehide", beacon);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") beacon(); });
  window.addEventListener("online", flush);

  // ---- open the attempt, then the package ---------------------------------------------------------
  var form = new FormData();
  form.append("csrfmiddlewaretoken", csrf);
  fetch(root.dataset.open, { method: "POST", body: form, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
    .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
    .then(function (result) {
      if (!result.ok) { loading.hidden = true; say(result.body.error || root.dataset.failed, "error"); return; }
      state = result.body;
      data = state.data || {};
      seq = state.seq || 0;
      if (state.done) say("✓ " + root.dataset.done, "done");
      // What the frame's API needs, and nothing else (not the attempt's address, not the CSRF token). The
      // frame reads it from its name before the package's first script runs. A frame keeps the name it had
      // when it was created (Chromium ignores a later change), so a new frame replaces the placeholder.
      var fresh = frame.cloneNode(false);
      fresh.name = NAME_PREFIX + JSON.stringify({
        version: state.version, data: data, entry: state.entry, total_seconds: state.total_seconds || 0,
        learner_id: state.learner_id, learner_name: state.learner_name,
        mastery_score: state.mastery_score, scaled_passing_score: state.scaled_passing_score,
        lesson_origin: window.location.origin
      });
      fresh.hidden = false;
      fresh.src = root.dataset.launch;
      loading.hidden = true;
      frame.parentNode.replaceChild(fresh, frame);
      frame = fresh;
    })
    .catch(function () { loading.hidden = true; say(root.dataset.failed, "error"); });
})();
