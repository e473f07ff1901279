/* Guided practice (courses/blocks/guided_practice.html): tap where you would tap, one screenshot at a time. */
(() => {
  "use strict";
  if (window.practiceLoaded) return; // the block template includes this script once per block
  window.practiceLoaded = true;
  const SLACK = 0.02; // a fingertip is wider than the box edge

  const csrfToken = () => {
    const cookie = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return cookie ? decodeURIComponent(cookie[1]) : input ? input.value : "";
  };

  function start(root) {
    const d = root.dataset;
    const steps = [...root.querySelectorAll("[data-practice-step]")];
    const feedback = root.querySelector("[data-practice-feedback]");
    const progress = root.querySelector("[data-practice-progress]");
    const show = root.querySelector("[data-practice-show]");
    let current = 0;
    let misses = 0;
    let finished = false;

    const say = (text, kind) => {
      // Emptied first so that the same hint twice is announced twice.
      feedback.textContent = "";
      feedback.className = `practice__feedback practice__feedback--${kind}`;
      setTimeout(() => { feedback.textContent = text; }, 30);
    };
    const mark = (shot, x, y, kind) => {
      const dot = document.createElement("span");
      dot.className = `practice__mark practice__mark--${kind}`;
      dot.style.left = `${x * 100}%`;
      dot.style.top = `${y * 100}%`;
      shot.append(dot);
      setTimeout(() => dot.remove(), 900);
    };
    const isHit = (step, x, y) => {
      const a = step.dataset;
      if (a.x === undefined) return true; // a draft step without a box: any tap goes on
      const [ax, ay, aw, ah] = [a.x, a.y, a.w, a.h].map(Number);
      return x >= ax - SLACK && x <= ax + aw + SLACK && y >= ay - SLACK && y <= ay + ah + SLACK;
    };
    const showStep = (index) => {
      steps.forEach((step, n) => { step.hidden = n !== index; });
      progress.textContent = d.progress.replace("{n}", index + 1).replace("{total}", steps.length);
    };
    const record = () => {
      if (!d.lesson || !d.block) return; // e.g. the block preview in the admin
      const body = new URLSearchParams({ lesson: d.lesson, block: d.block, misses: String(misses) });
      fetch(d.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" },
        body,
      })
        .then((response) => {
          if (response.status === 403) say(`${d.done} ${d.signin}`, "done");
        })
        .catch(() => {});
    };
    const hit = (step, shot, x, y) => {
      if (x !== null) mark(shot, x, y, "hit");
      const target = shot.querySelector(".practice__target");
      if (target) target.remove();
      if (current + 1 < steps.length) {
        current += 1;
        showStep(current);
        say(d.right, "right");
        steps[current].querySelector(".practice__instruction").focus();
        return;
      }
      finished = true;
      show.hidden = true;
      root.classList.add("practice--done");
      say(d.done, "done");
      record();
    };
    const miss = (step, shot, x, y) => {
      misses += 1;
      mark(shot, x, y, "miss");
      say(step.dataset.hint || d.again, "miss");
    };

    steps.forEach((step) => {
      const shot = step.querySelector("[data-practice-shot]");
      shot.addEventListener("click", (event) => {
        // Looked up on each tap: in data-saver mode the screenshot arrives when tapped (datasaver.js).
        const image = shot.querySelector("img");
        if (finished || step !== steps[current] || !image) return;
        if (event.target.closest(".practice__target")) return hit(step, shot, null, null);
        const box = image.getBoundingClientRect();
        const x = (event.clientX - box.left) / box.width;
        const y = (event.clientY - box.top) / box.height;
        (isHit(step, x, y) ? hit : miss)(step, shot, x, y);
      });
    });

    show.addEventListener("click", () => {
      const step = steps[current];
      const shot = step.querySelector("[data-practice-shot]");
      if (shot.querySelector(".practice__target") || step.dataset.x === undefined) return;
      // A real button over the spot: tapping it (or pressing it from the keyboard) goes on.
      const target = document.createElement("button");
      target.type = "button";
      target.className = "practice__target";
      target.setAttribute("aria-label", step.querySelector(".practice__instruction").textContent.trim());
      ["left", "top", "width", "height"].forEach((side, i) => {
        target.style[side] = `${Number(step.dataset["xywh"[i]]) * 100}%`;
      });
      shot.append(target);
      say(d.shown, "miss");
      target.focus();
    });

    root.querySelector("[data-practice-nojs]").hidden = true;
    progress.hidden = false;
    show.hidden = false;
    root.classList.add("practice--active");
    showStep(0);
  }

  document.querySelectorAll("[data-practice]").forEach((root) => {
    if (root.dataset.practiceStarted || !root.querySelector("[data-practice-step]")) return;
    root.dataset.practiceStarted = "1";
    start(root);
  });
})();
