/* 朗读本课 (courses/lesson_page.html): the browser's own speech reads the lesson block by block.
   Pause stops the speech and resume starts the paused block again: speechSynthesis.pause() stops
   for good on many Android phones, and one utterance per block keeps a restart short. */
(() => {
  "use strict";
  const synth = window.speechSynthesis;
  const root = document.querySelector("[data-listen]");
  if (!root) return;
  if (!synth || !window.SpeechSynthesisUtterance) {
    root.classList.add("listen--off"); // site.css keeps room for the bar while this script loads: give it back
    return;
  }

  const d = root.dataset;
  const play = root.querySelector("[data-listen-play]");
  const pauseButton = root.querySelector("[data-listen-pause]");
  const stopButton = root.querySelector("[data-listen-stop]");
  const status = root.querySelector("[data-listen-status]");
  const rates = [...root.querySelectorAll("[data-listen-rate]")];
  const READABLE = ".lesson__header h1, .lesson__header .lead, "
    + ".lesson__body :is(.step, h2, h3, h4, p, li, figcaption, blockquote)";
  // Parts that are not text to read: the practice's tapping (JavaScript-only), closed transcripts, links to
  // files, a video's length and size. (A lesson with the trainer's own recording has no toolbar at all.)
  const SKIP = "[data-practice-nojs], [data-practice-progress], [data-practice-step], .practice__bar, "
    + "details, video, .block-video__meta, .block-download, [hidden], [aria-hidden='true']";
  const UNSPOKEN = ".visually-hidden, [aria-hidden='true'], script, style, svg, figure";

  const textOf = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll(UNSPOKEN).forEach((node) => node.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  };

  const collect = () => {
    const blocks = [];
    const taken = new Set();
    let stepNumber = 0;
    document.querySelectorAll(READABLE).forEach((el) => {
      if (el.closest(SKIP)) return;
      for (let up = el.parentElement; up; up = up.parentElement) if (taken.has(up)) return;
      let text;
      if (el.classList.contains("step")) {
        stepNumber = [...el.parentElement.children].indexOf(el) + 1;
        text = `${d.step.replace("{n}", stepNumber)} ${textOf(el)}`;
      } else {
        text = textOf(el);
      }
      if (!text) return;
      taken.add(el);
      blocks.push({ el, text });
    });
    return blocks;
  };

  const language = (blocks) => {
    if (blocks.some((b) => /[\u3400-\u9fff]/.test(b.text))) return "zh-CN";
    return document.documentElement.lang || "zh-CN";
  };
  const sameLanguage = (voiceLang, lang) =>
    voiceLang.replace("_", "-").toLowerCase().split("-")[0] === lang.toLowerCase().split("-")[0];
  const pickVoice = (voices, lang) => {
    const matching = voices.filter((v) => sameLanguage(v.lang, lang));
    const exact = matching.filter((v) => v.lang.replace("_", "-").toLowerCase() === lang.toLowerCase());
    return exact.find((v) => v.localService) || exact[0] || matching.find((v) => v.localService) || matching[0] || null;
  };

  let blocks = [];
  let lang = "zh-CN";
  let voice = null;
  let index = 0;
  let state = "stopped"; // stopped | playing | paused
  let generation = 0; // utterances of an earlier start end without moving on
  let rate = 1;
  try { rate = Number(localStorage.getItem("listen-rate")) || 1; } catch (error) { /* storage blocked */ }
  const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  const say = (text) => { status.textContent = text; };
  const mark = (el) => {
    document.querySelectorAll(".is-reading").forEach((node) => node.classList.remove("is-reading"));
    if (el) el.classList.add("is-reading");
  };
  const showControls = () => {
    const active = state !== "stopped";
    root.classList.toggle("listen--active", active);
    play.hidden = active;
    pauseButton.hidden = !active;
    stopButton.hidden = !active;
    pauseButton.textContent = state === "paused" ? d.resume : d.pause;
    pauseButton.setAttribute("aria-pressed", String(state === "paused"));
    rates.forEach((b) => b.setAttribute("aria-pressed", String(Number(b.dataset.listenRate) === rate)));
  };

  const speak = () => {
    const run = ++generation;
    synth.cancel();
    if (index >= blocks.length) {
      state = "stopped";
      index = 0;
      mark(null);
      showControls();
      say(d.finished);
      return;
    }
    const block = blocks[index];
    const utterance = new SpeechSynthesisUtterance(block.text);
    utterance.lang = lang;
    if (voice) utterance.voice = voice;
    utterance.rate = rate;
    utterance.onend = () => {
      if (run !== generation || state !== "playing") return;
      index += 1;
      speak();
    };
    utterance.onerror = utterance.onend;
    mark(block.el);
    block.el.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
    say(d.reading.replace("{n}", index + 1).replace("{total}", blocks.length));
    synth.speak(utterance);
  };

  const halt = () => {
    generation += 1;
    synth.cancel();
  };

  play.addEventListener("click", () => {
    blocks = collect();
    lang = language(blocks);
    voice = pickVoice(synth.getVoices(), lang);
    index = 0;
    state = "playing";
    showControls();
    pauseButton.focus();
    speak();
  });
  pauseButton.addEventListener("click", () => {
    if (state === "playing") {
      state = "paused";
      halt();
      say(d.paused);
    } else if (state === "paused") {
      state = "playing";
      speak();
    }
    showControls();
  });
  stopButton.addEventListener("click", () => {
    state = "stopped";
    halt();
    index = 0;
    mark(null);
    say("");
    showControls();
    play.focus();
  });
  rates.forEach((button) => button.addEventListener("click", () => {
    rate = Number(button.dataset.listenRate);
    try { localStorage.setItem("listen-rate", String(rate)); } catch (error) { /* private mode */ }
    showControls();
    if (state === "playing") speak(); // the block being read starts again at the new speed
  }));
  window.addEventListener("pagehide", halt);

  // Voices arrive late on some phones (voiceschanged); with none for the lesson's language, say so.
  let decided = false;
  let timedOut = false;
  const decide = () => {
    const voices = synth.getVoices();
    if (decided || (!voices.length && !timedOut)) return;
    decided = true;
    const wanted = language(collect());
    if (pickVoice(voices, wanted)) return;
    root.classList.add("listen--unavailable");
    root.querySelectorAll("button, .listen__speed").forEach((node) => { node.hidden = true; });
    say(wanted === "zh-CN" ? d.noVoiceZh : d.noVoice);
  };
  synth.addEventListener?.("voiceschanged", decide);
  setTimeout(() => { timedOut = true; decide(); }, 3000);
  showControls();
  root.hidden = false;
  decide();
})();
