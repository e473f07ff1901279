/* The AI helpers' button on a lesson (assistant/_lesson_helpers.html): loads helper.js only when tapped. */
(() => {
  "use strict";
  const root = document.querySelector("[data-assistant]");
  if (!root) return;
  root.querySelector("[data-assistant-open]").addEventListener("click", () => {
    if (root.dataset.loading) return;
    root.dataset.loading = "1";
    const script = document.createElement("script");
    script.src = root.dataset.script;
    document.head.appendChild(script);
  });
})();
