/* Quiz pages: save each answer as it is given, place taps on screenshots, no double submits.
   With no signal, answers are kept on the phone (localStorage, per question of the attempt) and sent
   when the connection is back; the buttons, which need the server, say so instead of failing.
   Everything also works without this file (the buttons post the form). */
(function () {
  "use strict";
  var form = document.querySelector("[data-quiz-autosave]");
  var status = document.querySelector("[data-save-status]");
  var texts = {
    saving: document.documentElement.lang === "en" ? "Saving…" : "正在保存…",
    saved: document.documentElement.lang === "en" ? "Saved" : "已保存",
    offline: document.documentElement.lang === "en"
      ? "Not saved: no connection. It will be saved when you are back online."
      : "没有网络，暂未保存。网络恢复后会自动保存。",
    failed: document.documentElement.lang === "en" ? "Not saved: " : "未保存：",
  };
  var words = status || document.querySelector("[data-offline-submit]");
  texts.kept = (words && words.getAttribute("data-kept")) || texts.offline;
  texts.needsNetwork = (words && words.getAttribute("data-needs-network")) || texts.offline;
  var KEPT = "frontline.quiz.";
  var pending = false;
  var flushing = false;
  var submitting = false;

  function say(text) { if (status) status.textContent = text; }

  // Not form.action: the buttons are named "action", and the form property returns them.
  function here() { return form.getAttribute("action") || window.location.pathname; }

  function token() {
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // The answer on this screen, kept on the phone until the server has it.
  function keep() {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "action" && typeof value === "string") fields.push([name, value]);
    });
    try { localStorage.setItem(KEPT + here(), JSON.stringify(fields)); return true; } catch (error) { return false; }
  }

  function keptKeys() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(KEPT) === 0) keys.push(key);
    }
    return keys;
  }

  function post(url, data) {
    data.set("action", "save");
    data.set("csrfmiddlewaretoken", token());
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    }).then(function (response) {
      return response.json().catch(function () { return { error: String(response.status) }; })
        .then(function (body) { return { ok: response.ok, status: response.status, body: body }; });
    });
  }

  // Sends every answer kept on the phone; each is dropped once the server has answered for it.
  function flush() {
    var keys = keptKeys();
    if (flushing || !keys.length || navigator.onLine === false || !token()) return Promise.resolve();
    flushing = true;
    var chain = Promise.resolve();
    keys.forEach(function (key) {
      chain = chain.then(function () {
        var fields;
        try { fields = JSON.parse(localStorage.getItem(key) || "null"); } catch (error) { fields = null; }
        if (!Array.isArray(fields)) { localStorage.removeItem(key); return; }
        var data = new FormData();
        fields.forEach(function (field) { data.append(field[0], field[1]); });
        return post(key.slice(KEPT.length), data).then(function (result) {
          // Saved, or refused for good (the attempt is closed): either way, not for sending again.
          if (result.ok || (result.status >= 400 && result.status < 500)) localStorage.removeItem(key);
          if (form && key === KEPT + here()) say(result.ok ? texts.saved : texts.failed + (result.body.error || ""));
        });
      });
    });
    return chain.then(function () { flushing = false; }, function () { flushing = false; });
  }

  function save() {
    if (!form) return;
    if (navigator.onLine === false) { pending = true; say(keep() ? texts.kept : texts.offline); return; }
    var data = new FormData(form);
    say(texts.saving);
    pending = true;
    post(here(), data).then(function (result) {
      pending = false;
      if (result.body.closed && result.body.result_url) { window.location.href = result.body.result_url; return; }
      if (result.ok) { try { localStorage.removeItem(KEPT + here()); } catch (error) { /* none kept */ } }
      say(result.ok ? texts.saved : texts.failed + (result.body.error || ""));
    }).catch(function () {
      say(keep() ? texts.kept : texts.offline);
    });
  }

  // Back on a screen whose answer is still on the phone: show it as it was given.
  function restore() {
    var fields;
    try { fields = JSON.parse(localStorage.getItem(KEPT + here()) || "null"); } catch (error) { fields = null; }
    if (!Array.isArray(fields)) return;
    var given = {};
    fields.forEach(function (field) { (given[field[0]] = given[field[0]] || []).push(field[1]); });
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || !given[input.name] || input.name === "csrfmiddlewaretoken") return;
      if (input.type === "checkbox" || input.type === "radio") input.checked = given[input.name].indexOf(input.value) !== -1;
      else if (input.type !== "submit" && input.type !== "image" && input.type !== "button") {
        input.value = given[input.name][0];
        if (input.disabled && input.type === "hidden") input.disabled = false;
      }
    });
    say(texts.kept);
  }

  if (form) {
    form.addEventListener("change", function (event) {
      if (event.target.name === "tap") return;
      save();
    });
    var typing;
    form.addEventListener("input", function (event) {
      if (event.target.type !== "text" && event.target.tagName !== "TEXTAREA") return;
      clearTimeout(typing);
      typing = setTimeout(save, 800);
    });
    // A button posts the whole form: a debounced save must not race it (and win with "save").
    // With no signal it cannot: the answer stays on the phone and the learner is told why.
    form.addEventListener("submit", function (event) {
      clearTimeout(typing);
      if (navigator.onLine !== false) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      keep();
      say(texts.needsNetwork);
    });
    window.addEventListener("online", function () { flush().then(function () { if (pending) save(); }); });

    // Tap-the-spot: record where on the picture, as fractions, and show a marker.
    var spot = form.querySelector("[data-hotspot]");
    if (spot) {
      var image = spot.querySelector("input[name=tap]");
      var marker = spot.querySelector(".hotspot__marker");
      var fx = spot.querySelector("input[name=tap_fx]");
      var fy = spot.querySelector("input[name=tap_fy]");
      var show = function (x, y) {
        marker.style.left = (x * 100) + "%";
        marker.style.top = (y * 100) + "%";
        marker.hidden = false;
      };
      if (image) {
        image.style.width = "100%";
        if (spot.dataset.fx) show(parseFloat(spot.dataset.fx), parseFloat(spot.dataset.fy));
        image.addEventListener("click", function (event) {
          event.preventDefault();
          var box = image.getBoundingClientRect();
          var x = (event.clientX - box.left) / box.width;
          var y = (event.clientY - box.top) / box.height;
          fx.disabled = false; fy.disabled = false;
          fx.value = x.toFixed(4); fy.value = y.toFixed(4);
          show(x, y);
          var note = document.querySelector("[data-hotspot-status]");
          if (note) note.textContent = "";
          save();
        });
      }
    }
  }

  // Handing in (the last screen): needs the network, and the answers kept on the phone go first.
  var handIn = document.querySelector("form[data-offline-submit]");
  var handInNote = document.querySelector("[data-offline-submit-status]");
  if (handIn) {
    handIn.addEventListener("submit", function (event) {
      if (navigator.onLine === false) {
        event.preventDefault();
        event.stopImmediatePropagation();
        if (handInNote) { handInNote.textContent = texts.needsNetwork; handInNote.hidden = false; }
        return;
      }
      if (submitting || !keptKeys().length) return;
      event.preventDefault();
      flush().then(function () { submitting = true; handIn.submit(); });
    });
  }

  // A second tap on a submit button must not send the form twice.
  document.querySelectorAll("form").forEach(function (each) {
    each.addEventListener("submit", function () {
      var button = each.querySelector("[data-once]");
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    });
  });

  if (form) restore();
  // Answers kept from an earlier screen: sent now if there is a network (the hand-in screen then
  // shows them as answered).
  if (keptKeys().length) {
    flush().then(function () { if (handIn && !keptKeys().length && navigator.onLine !== false) window.location.reload(); });
  }
  window.addEventListener("online", function () { if (!form) flush(); });
  // Wired: tests (and anything else) wait for this before answering.
  if (form) form.setAttribute("data-ready", "");
  if (handIn) handIn.setAttribute("data-ready", "");
})();
