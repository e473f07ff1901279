/* The AI helpers on a lesson: 「用更简单的话讲一讲」 under each part, and 「问一问」 about the lesson. Loaded by
   loader.js on the first tap. Answers arrive as server-sent events (assistant/answers.py) and are shown as
   they are written; a [n] in the answer links to part n of the lesson. */
(() => {
  "use strict";
  const root = document.querySelector("[data-assistant]");
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  const d = root.dataset;
  const texts = root.querySelector("[data-assistant-texts]").dataset;
  const opener = root.querySelector("[data-assistant-open]");

  const style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = d.style;
  document.head.appendChild(style);

  const panel = root.querySelector("[data-assistant-panel]").content.firstElementChild.cloneNode(true);
  root.appendChild(panel);
  const csrf = panel.querySelector("[name=csrfmiddlewaretoken]").value;
  const policy = panel.querySelector("[data-assistant-policy]");
  const tools = panel.querySelector("[data-assistant-tools]");
  let accepted = d.policyAccepted === "1";

  const show = () => {
    policy.hidden = accepted;
    tools.hidden = !accepted;
    document.querySelectorAll("[data-assistant-simplify]").forEach((b) => { b.hidden = !accepted; });
  };

  const post = (url, data) => {
    const body = new FormData();
    Object.entries(data).forEach(([k, v]) => body.append(k, v));
    return fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "text/event-stream, application/json" },
    });
  };

  // The answer's text with each [n] as a link to part n of the lesson.
  const render = (target, text, sources) => {
    target.textContent = "";
    text.split(/(\[\d{1,3}\])/).forEach((part) => {
      const n = /^\[(\d{1,3})\]$/.exec(part);
      if (n && sources[n[1]]) {
        const a = document.createElement("a");
        a.href = sources[n[1]];
        a.className = "ai-helper__cite";
        a.textContent = part;
        a.title = texts.source.replace("{n}", n[1]);
        target.appendChild(a);
      } else if (part) {
        target.appendChild(document.createTextNode(part));
      }
    });
  };

  const say = (box, message, kind) => {
    const p = document.createElement("p");
    p.className = `ai-helper__note ai-helper__note--${kind}`;
    p.textContent = message;
    box.appendChild(p);
  };

  // 朗读, like the lesson (js/listen.js): the phone's own voice reads the answer, without its [n] marks.
  const readAloud = (box, text) => {
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance || !texts.listen) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "ai-helper__listen";
    button.dataset.assistantListen = "";
    button.textContent = texts.listen;
    button.addEventListener("click", () => {
      window.speechSynthesis.cancel();
      const utterance = new SpeechSynthesisUtterance(text.replace(/\[\d{1,3}\]/g, ""));
      utterance.lang = "zh-CN";
      window.speechSynthesis.speak(utterance);
    });
    box.appendChild(button);
  };

  const ask = async (url, data, box) => {
    box.textContent = "";
    box.setAttribute("aria-busy", "true");
    const answer = document.createElement("p");
    answer.className = "ai-helper__text";
    answer.textContent = texts.thinking;
    box.appendChild(answer);
    let response;
    try {
      response = await post(url, data);
    } catch (e) {
      answer.remove();
      say(box, texts.failed, "error");
      box.removeAttribute("aria-busy");
      return;
    }
    if (!response.ok || !(response.headers.get("Content-Type") || "").startsWith("text/event-stream")) {
      answer.remove();
      let message = texts.failed;
      let code = "";
      try { ({ error: message, code } = await response.json()); } catch (e) { /* not JSON */ }
      if (code === "policy") { accepted = false; show(); }
      say(box, message, code === "personal_data" ? "refused" : "error");
      box.removeAttribute("aria-busy");
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let text = "";
    let sources = {};
    const handle = (raw) => {
      let name = "message";
      let payload = "";
      raw.split("\n").forEach((line) => {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) payload += line.slice(5).trim();
      });
      if (!payload) return;
      const data = JSON.parse(payload);
      if (name === "sources") sources = data;
      else if (name === "message") { text += data.t; render(answer, text, sources); }
      else if (name === "error") say(box, data.message, "error");
      else if (name === "done") {
        box.dataset.done = data.not_covered ? "not_covered" : "answered";
        readAloud(box, text);
        if (data.cited.length) {
          const cites = document.createElement("p");
          cites.className = "ai-helper__sources";
          data.cited.forEach((c) => {
            const a = document.createElement("a");
            a.href = c.href;
            a.textContent = texts.source.replace("{n}", c.n);
            cites.appendChild(a);
            cites.appendChild(document.createTextNode(" "));
          });
          box.appendChild(cites);
        }
      }
    };
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          handle(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch (e) {
      say(box, texts.failed, "error");
    }
    if (!text) answer.remove();
    box.removeAttribute("aria-busy");
  };

  if (d.simplifyUrl) {
    document.querySelectorAll(".lesson__body > .lesson__block").forEach((block) => {
      if (!block.textContent.trim()) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "ai-helper__simplify";
      button.dataset.assistantSimplify = "";
      button.textContent = texts.simplify;
      const box = document.createElement("div");
      box.className = "ai-helper__answer";
      box.setAttribute("aria-live", "polite");
      button.addEventListener("click", () => ask(d.simplifyUrl, { block: block.id.replace(/^block-/, "") }, box));
      block.appendChild(button);
      block.appendChild(box);
    });
  }

  const form = panel.querySelector("[data-assistant-ask]");
  if (form) {
    const box = panel.querySelector("[data-assistant-answer]");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      ask(d.askUrl, { question: form.elements.question.value }, box);
    });
  }

  panel.querySelector("[data-assistant-accept]").addEventListener("click", async () => {
    const response = await post(d.policyUrl, {});
    if (response.ok) { accepted = true; show(); }
  });

  opener.setAttribute("aria-expanded", "true");
  opener.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    opener.setAttribute("aria-expanded", String(!panel.hidden));
  });
  show();
})();
