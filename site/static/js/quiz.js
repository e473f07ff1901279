/* Quiz pages: save each answer as it is given, place taps on screenshots, no double submits.
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
  var pending = false;

  function say(text) { if (status) status.textContent = text; }

  function save() {
    if (!form) return;
    var data = new FormData(form);
    data.set("action", "save");
    say(texts.saving);
    pending = true;
    // Not form.action: the buttons are named "action", and the form property returns them.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    }).then(function (response) {
      return response.json().catch(function () { return { error: String(response.status) }; })
        .then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      pending = false;
      if (result.body.closed && result.body.result_url) { window.location.href = result.body.result_url; return; }
      say(result.ok ? texts.saved : texts.failed + (result.body.error || ""));
    }).catch(function () {
      say(texts.offline);
    });
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
    window.addEventListener("online", function () { if (pending) save(); });

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

  // A second tap on a submit button must not send the form twice.
  document.querySelectorAll("form").forEach(function (each) {
    each.addEventListener("submit", function () {
      var button = each.querySelector("[data-once]");
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
