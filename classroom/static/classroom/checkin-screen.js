// The trainer's check-in screen: fetch a fresh code (its QR as SVG) when the current one runs out, and
// count down the seconds. No library; a failed fetch is retried on the next tick.
(function () {
  "use strict";
  var screen = document.querySelector("[data-checkin-screen]");
  if (!screen) return;
  var qr = screen.querySelector("[data-checkin-qr]");
  var seconds = screen.querySelector("[data-checkin-seconds]");
  var count = screen.querySelector("[data-checkin-count]");
  var link = screen.querySelector("[data-checkin-link]");
  var left = parseInt(screen.getAttribute("data-seconds"), 10) || 30;
  var busy = false;

  function refresh() {
    if (busy) return;
    busy = true;
    fetch(screen.getAttribute("data-code-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 410) { window.location.reload(); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        qr.innerHTML = data.svg;
        link.href = data.url;
        link.textContent = data.url;
        count.textContent = data.attended;
        left = data.seconds;
      })
      .catch(function () { left = 2; })
      .then(function () { busy = false; });
  }

  window.setInterval(function () {
    left -= 1;
    if (left <= 0) { left = 1; refresh(); }
    seconds.textContent = String(Math.max(left, 0));
  }, 1000);
})();
