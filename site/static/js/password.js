/* Show-password control for every password field inside [data-password-reveal] (sign-in, password change,
   the admin's set-password fields). The page works without it; the button is added here, so nothing
   shows where JavaScript is off. Labels come from the form's data attributes (translated server-side).
   Before the form is sent every field is a password field again: browsers offer to save, and autofill,
   only password fields, and the typed password never lands in form history. */
(() => {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";

  const eye = () => {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute(
      "d",
      "M12 5C6.5 5 2.3 8.6 1 12c1.3 3.4 5.5 7 11 7s9.7-3.6 11-7c-1.3-3.4-5.5-7-11-7zm0 11.5a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9zm0-2.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4z",
    );
    svg.appendChild(path);
    return svg;
  };

  function enhance(container) {
    const form = container.closest("form") || container;
    const show = container.dataset.passwordShow || "Show password";
    const hide = container.dataset.passwordHide || "Hide password";
    // Short words on the button ("显示"), the whole phrase as its name: a 320 px phone keeps room to type.
    const showShort = container.dataset.passwordShowShort || show;
    const hideShort = container.dataset.passwordHideShort || hide;
    const extraClass = container.dataset.passwordToggleClass || "";
    const inputs = [...container.querySelectorAll("input[type=password]")];
    inputs.forEach((input) => {
      if (!input.id || input.dataset.revealReady) return;
      input.dataset.revealReady = "1";
      const wrapper = document.createElement("span");
      wrapper.className = "password-field";
      input.parentNode.insertBefore(wrapper, input);
      wrapper.appendChild(input);
      const button = document.createElement("button");
      button.type = "button";
      button.className = `password-toggle ${extraClass}`.trim();
      button.setAttribute("aria-controls", input.id);
      button.setAttribute("aria-pressed", "false");
      // A fingertip's size in the admin too, whose styles are Wagtail's (CSSOM: no inline style attribute).
      button.style.minHeight = "44px";
      button.style.minWidth = "44px";
      button.style.display = "inline-flex";
      button.style.alignItems = "center";
      button.style.gap = "0.25rem";
      const text = document.createElement("span");
      text.className = "password-toggle__text";
      text.textContent = showShort;
      button.setAttribute("aria-label", show);
      button.append(eye(), text);
      button.addEventListener("click", () => {
        const reveal = input.type === "password";
        input.type = reveal ? "text" : "password";
        button.setAttribute("aria-pressed", String(reveal));
        text.textContent = reveal ? hideShort : showShort;
        button.setAttribute("aria-label", reveal ? hide : show);
        input.focus();
      });
      wrapper.appendChild(button);
    });
    form.addEventListener("submit", () => {
      inputs.forEach((input) => {
        input.type = "password";
      });
      container.querySelectorAll(".password-toggle").forEach((button) => {
        button.setAttribute("aria-pressed", "false");
        button.querySelector(".password-toggle__text").textContent = showShort;
        button.setAttribute("aria-label", show);
      });
    });
  }

  const start = () => document.querySelectorAll("[data-password-reveal]").forEach(enhance);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
