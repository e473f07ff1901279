/* Checking people in from the roster on the trainer's phone with no signal (the pattern of
   js/offline.js, for roster taps).

   A tap on 签到 with no network keeps {key, learner, tapped_at} on this phone (localStorage, one list per
   session; the key is made here, so the server takes each tap once), marks the row 待同步 and counts
   it. Kept taps are sent when the connection comes back (the `online` event, page load, the page
   becoming visible), one send at a time; a tap is dropped only once the server has answered for it,
   and the row then shows what it said. With a network the tap is posted at once. */
(function () {
  "use strict";
  var script = document.currentScript;
  var sendUrl = script && script.getAttribute("data-send");
  var session = script && script.getAttribute("data-session");
  var STORE = "frontline.offline.checkins." + session;
  var table = document.querySelector("[data-roster]");
  var note = document.querySelector("[data-offline-note]");
  var count = document.querySelector("[data-roster-count]");
  var sending = false;
  if (!sendUrl || !table) return;

  function read() {
    try {
      var list = JSON.parse(localStorage.getItem(STORE) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (error) { return []; }
  }

  function write(list) {
    try {
      if (list.length) localStorage.setItem(STORE, JSON.stringify(list));
      else localStorage.removeItem(STORE);
      return true;
    } catch (error) { return false; }
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  // The phone's local time with its offset from UTC, e.g. 2026-03-03T08:15:02+08:00.
  function localTime(date) {
    var offset = -date.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    offset = Math.abs(offset);
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) + "T" +
      two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds()) +
      sign + two(Math.floor(offset / 60)) + ":" + two(offset % 60);
  }

  function row(learner) { return table.querySelector("[data-roster-row='" + learner + "']"); }

  function mark(learner, text, state) {
    var line = row(learner);
    if (!line) return;
    var cell = line.querySelector("[data-roster-state]");
    var form = line.querySelector("form");
    if (form) form.hidden = state === "pending" || state === "done";
    if (cell) { cell.textContent = text; cell.setAttribute("data-roster-state", state); }
  }

  function show() {
    var list = read();
    list.forEach(function (entry) { mark(entry.learner, table.getAttribute("data-pending-label"), "pending"); });
    if (note) {
      note.textContent = list.length ? note.getAttribute("data-text").replace("{n}", list.length) : "";
      note.hidden = !list.length;
    }
  }

  function keep(learner) {
    var list = read();
    if (!list.some(function (entry) { return entry.learner === learner; })) {
      list.push({ key: uuid(), learner: learner, tapped_at: localTime(new Date()) });
    }
    if (!write(list)) return false;
    show();
    return true;
  }

  function csrf() {
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function sendAll() {
    var batch = read();
    if (!batch.length) return Promise.resolve();
    return fetch(sendUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(batch),
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (body) {
      var done = {};
      (body.results || []).forEach(function (result) {
        if (!result.key) return;
        done[result.key] = true;
        mark(result.learner, result.message, result.accepted ? "done" : "refused");
      });
      write(read().filter(function (entry) { return !done[entry.key]; }));
      if (count && typeof body.attended === "number") count.textContent = body.attended;
      show();
    });
  }

  function sync() {
    if (sending || navigator.onLine === false || !read().length) return;
    sending = true;
    sendAll().then(null, function () { /* kept; sent next time */ }).then(function () { sending = false; });
  }

  // With a network the tap is posted as the form would be (the answer is the roster again); with none,
  // or when the post cannot reach the server (a signal bar that lies), it is kept on the phone.
  table.addEventListener("submit", function (event) {
    var form = event.target;
    var learner = Number(form.querySelector("[name=learner]").value);
    var button = form.querySelector("button[type=submit]");
    event.preventDefault();
    if (navigator.onLine === false) { if (!keep(learner)) form.submit(); return; }
    if (button) button.disabled = true;
    fetch(form.getAttribute("action"), {
      method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual",
    }).then(function () {
      window.location.href = window.location.pathname;  // the roster, with the server's message
    }, function () {
      if (button) button.disabled = false;
      if (!keep(learner)) form.submit();
    });
  });

  window.addEventListener("online", sync);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") sync(); });
  show();
  sync();
  table.setAttribute("data-offline-ready", "");
})();
