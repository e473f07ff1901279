/* Finishing lessons with no signal (lesson, course and My learning pages).

   Tapping 完成本课 with no network keeps {key, item, completed_at} on this phone (localStorage), shows
   "待同步" on the page and in the outline, and goes on to the next lesson when the phone has it saved.
   Kept completions are sent when the connection comes back (the `online` event, page load, the page
   becoming visible), by one tab at a time (Web Locks, else a lease in localStorage); an entry is dropped
   only once the server has answered for it. The server takes each key once, so a retry is harmless.
   With a network the form is sent as always. Without this file the form simply posts. */
(function () {
  "use strict";
  var STORE = "frontline.offline.completions";
  var LEASE = "frontline.offline.sender";
  var LOCK = "frontline-offline-completions";
  var LEASE_MS = 30000;
  var BATCH = 200;
  var script = document.currentScript;
  var sendUrl = script && script.getAttribute("data-send");
  var tokenUrl = script && script.getAttribute("data-token");
  var form = document.querySelector("form[data-offline-complete]");
  var note = document.querySelector("[data-offline-note]");
  var counter = document.querySelector("[data-offline-pending]");
  var notes = document.querySelector("[data-offline-notes]");
  var tab = Math.random().toString(36).slice(2) + Date.now().toString(36);
  var sending = false;

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

  function pendingItems() {
    var items = {};
    read().forEach(function (entry) { items[String(entry.item)] = true; });
    return items;
  }

  function say(text) {
    if (!note) return;
    note.textContent = text;
    note.hidden = !text;
  }

  function addNote(text) {
    if (!notes) return;
    var line = document.createElement("li");
    line.textContent = text;
    notes.appendChild(line);
    notes.hidden = false;
  }

  function markOutline(item, label, kind) {
    document.querySelectorAll(".outline__item[data-item='" + item + "']").forEach(function (row) {
      var list = row.closest(".outline");
      var mark = row.querySelector("[data-offline-mark]");
      row.querySelectorAll(".status:not([data-offline-mark])").forEach(function (status) { status.hidden = !!kind; });
      if (!kind) { if (mark) mark.remove(); return; }
      if (!mark) {
        mark = document.createElement("span");
        mark.setAttribute("data-offline-mark", "");
        (row.querySelector(".outline__link") || row).appendChild(mark);
      }
      mark.className = "status status--" + kind;
      mark.textContent = list ? list.getAttribute(label) : "";
    });
  }

  // What the page shows for the completions kept on this phone.
  function show() {
    var pending = pendingItems();
    var count = Object.keys(pending).length;
    document.querySelectorAll(".outline__item[data-item]").forEach(function (row) {
      var item = row.getAttribute("data-item");
      var mark = row.querySelector("[data-offline-mark]");
      if (pending[item]) markOutline(item, "data-pending-label", "pending");
      else if (mark && mark.classList.contains("status--pending")) markOutline(item, "", null);
    });
    if (form && pending[form.getAttribute("data-item")]) {
      form.hidden = true;
      say(form.getAttribute("data-kept"));
    }
    if (counter) {
      var text = count === 1 ? counter.getAttribute("data-one") : counter.getAttribute("data-many");
      counter.textContent = count ? text.replace("{n}", count) : "";
      counter.hidden = !count;
    }
  }

  // Answers for the entries the server took (or refused for good): shown where they concern the page.
  function answered(results, titles) {
    results.forEach(function (result) {
      var item = titles[result.key];
      if (!item) return;
      if (result.accepted) markOutline(item.item, "data-done-label", "done");
      else markOutline(item.item, "", null);
      if (form && String(item.item) === form.getAttribute("data-item")) {
        if (result.accepted) { form.hidden = true; say(form.getAttribute("data-finished")); }
        else { form.hidden = false; say(result.message); }
      } else if (!result.accepted) {
        addNote((item.title ? item.title + "：" : "") + result.message);
      }
    });
  }

  function keep() {
    var item = Number(form.getAttribute("data-item"));
    var list = read();
    var already = list.some(function (entry) { return entry.item === item; });
    if (!already) {
      var title = document.querySelector("h1");
      list.push({
        key: uuid(), item: item, completed_at: localTime(new Date()),
        title: title ? title.textContent.trim() : "",
      });
    }
    if (!write(list)) { form.submit(); return; }  // no room on the phone: let the browser try
    show();
    var next = document.querySelector(".pager__link--next");
    // Only to a lesson saved on the phone: an unsaved one cannot open with no signal.
    if (next && window.caches) {
      caches.match(next.href).then(function (hit) { if (hit) window.location.href = next.href; }, function () {});
    }
  }

  function token() {
    return fetch(tokenUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("no token");
        return response.json();
      })
      .then(function (body) { return body.csrf_token; });
  }

  // Sends the kept completions, batch after batch; drops only those the server answered.
  function sendAll() {
    var batch = read().slice(0, BATCH);
    if (!batch.length) return Promise.resolve();
    var titles = {};
    batch.forEach(function (entry) { titles[entry.key] = entry; });
    return token().then(function (csrf) {
      return fetch(sendUrl, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(batch.map(function (entry) {
          return { key: entry.key, item: entry.item, completed_at: entry.completed_at };
        })),
      });
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (body) {
      var done = {};
      (body.results || []).forEach(function (result) { if (result.key) done[result.key] = true; });
      write(read().filter(function (entry) { return !done[entry.key]; }));
      answered(body.results || [], titles);
      show();
      if (Object.keys(done).length && read().length) return sendAll();
    });
  }

  // One sender at a time across this browser's tabs.
  function exclusive(work) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request(LOCK, { ifAvailable: true }, function (lock) { return lock ? work() : null; });
    }
    var lease;
    try { lease = JSON.parse(localStorage.getItem(LEASE) || "null"); } catch (error) { lease = null; }
    if (lease && lease.until > Date.now() && lease.owner !== tab) return Promise.resolve();
    try { localStorage.setItem(LEASE, JSON.stringify({ owner: tab, until: Date.now() + LEASE_MS })); } catch (error) { return Promise.resolve(); }
    return new Promise(function (resolve) { setTimeout(resolve, 100); }).then(function () {
      var now;
      try { now = JSON.parse(localStorage.getItem(LEASE) || "null"); } catch (error) { now = null; }
      if (!now || now.owner !== tab) return null;  // another tab took it at the same moment
      var release = function () {
        try {
          var held = JSON.parse(localStorage.getItem(LEASE) || "null");
          if (held && held.owner === tab) localStorage.removeItem(LEASE);
        } catch (error) { /* nothing held */ }
      };
      return work().then(release, function (error) { release(); throw error; });
    });
  }

  function sync() {
    if (sending || !sendUrl || !tokenUrl || navigator.onLine === false || !read().length) return;
    sending = true;
    exclusive(sendAll).then(null, function () { /* kept; sent next time */ }).then(function () {
      sending = false;
    });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      if (navigator.onLine === false) { keep(); return; }
      var field = form.querySelector("[name=csrfmiddlewaretoken]");
      var reached = false;  // the server answered: whatever it said, it is not a lost connection
      (field && field.value ? Promise.resolve(field.value) : token()).then(function (csrf) {
        var body = new FormData(form);
        body.set("csrfmiddlewaretoken", csrf);
        return fetch(form.getAttribute("action"), {
          method: "POST", body: body, credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": csrf },
        });
      }).then(function (response) {
        reached = true;
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && type.indexOf("application/json") === 0) {
          return response.json().then(function (body) { window.location.href = body.next; });
        }
        if (response.redirected) { window.location.href = response.url; return; }  // signed out
        form.submit();  // the server's own answer, as without JavaScript
      }).then(null, function () {
        if (reached) { form.submit(); return; }
        keep();
        if (button) button.disabled = false;
      });
    });
  }

  window.addEventListener("online", sync);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") sync(); });
  window.addEventListener("storage", function (event) { if (event.key === STORE) show(); });
  show();
  sync();
  if (form) form.setAttribute("data-ready", "");
  document.documentElement.setAttribute("data-offline-ready", "");
})();
