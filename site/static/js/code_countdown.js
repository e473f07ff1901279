/* "Get a new code" buttons ([data-countdown] seconds) count down while the server would refuse another
   code, then come back. Without JavaScript the button is simply there and the server says how long to
   wait. The label ("{seconds} 秒后可重发") comes translated from data-countdown-label. */
(() => {
  "use strict";
  document.querySelectorAll("button[data-countdown]").forEach((button) => {
    let left = parseInt(button.dataset.countdown, 10) || 0;
    if (left <= 0) return;
    const label = button.dataset.countdownLabel || "{seconds}";
    const original = button.textContent;
    const tick = () => {
      if (left <= 0) {
        button.disabled = false;
        button.textContent = original;
        return;
      }
      button.disabled = true;
      button.textContent = label.replace("{seconds}", String(left));
      left -= 1;
      window.setTimeout(tick, 1000);
    };
    tick();
  });
})();
