/* Hotspot editor (core/hotspot_editor.py HotspotAreasWidget): draw target boxes on a screenshot.
 *
 * The screenshot is the one chosen in a sibling image chooser (Wagtail fires "change" on its hidden
 * input); its editor-sized preview comes from /admin/hotspot/image-preview/<id>/. Areas are kept in
 * the widget's hidden input as JSON: [{"shape": "rect", "x", "y", "w", "h"}] in fractions of the
 * image. Circles from imports are shown and can be deleted; new areas are rectangles.
 * Runs as a Stimulus controller in Wagtail's admin, so it also starts inside StreamField blocks
 * added after the page loaded.
 */
(() => {
  "use strict";

  const IDENTIFIER = "hotspot-editor";
  const MIN_SIDE = 0.01; // a click without a drag does not make a box
  const clamp = (v, lo = 0, hi = 1) => Math.min(hi, Math.max(lo, v));
  const round4 = (v) => Math.round(v * 10000) / 10000;
  const percent = (v) => Math.round(v * 1000) / 10;

  /* "id_areas" → "id_image"; "body-0-value-steps-1-value-area" → "body-0-value-steps-1-value-screenshot-image". */
  function siblingId(ownId, field) {
    const cut = ownId.lastIndexOf("-");
    if (cut >= 0) return ownId.slice(0, cut + 1) + field;
    return ownId.startsWith("id_") ? `id_${field}` : field;
  }

  function rectFrom(a, b) {
    return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
  }

  /* Fractions safe to store: inside the image, 4 decimals, never spilling over the right or bottom edge. */
  function normalRect(box) {
    const x = round4(clamp(box.x, 0, 1 - MIN_SIDE));
    const y = round4(clamp(box.y, 0, 1 - MIN_SIDE));
    const w = round4(clamp(box.w, MIN_SIDE, 1 - x));
    const h = round4(clamp(box.h, MIN_SIDE, 1 - y));
    return { shape: "rect", x, y, w, h };
  }

  class HotspotEditor {
    constructor(root) {
      const target = (name) => root.querySelector(`[data-${IDENTIFIER}-target="${name}"]`);
      const data = root.dataset;
      this.root = root;
      this.input = target("input");
      this.message = target("message");
      this.stage = target("stage");
      this.image = target("image");
      this.layer = target("layer");
      this.list = target("list");
      this.help = target("help");
      this.addButton = target("add");
      this.previewUrl = data.hotspotEditorPreviewUrlValue || "";
      this.imageField = data.hotspotEditorImageFieldValue || "image";
      this.maxAreas = parseInt(data.hotspotEditorMaxAreasValue, 10) || 20;
      try {
        this.strings = JSON.parse(data.hotspotEditorStringsValue || "{}");
      } catch {
        this.strings = {};
      }
      this.chooseText = this.message.textContent;
      this.note = document.createElement("p");
      this.note.className = "hotspot-editor__note help";
      this.note.setAttribute("role", "status");
      this.list.before(this.note);
      this.imageId = null;
      this.requests = 0;
      this.areas = this.read();

      this.onDocumentChange = (event) => {
        if (event.target && event.target.id === this.imageInputId()) this.loadImage();
      };
      this.onPointerDown = (event) => this.pointerDown(event);
      this.onPointerMove = (event) => this.pointerMove(event);
      this.onPointerUp = (event) => this.pointerUp(event);
      this.onAdd = () => this.addArea();
      this.onImageLoad = () => this.renderLayer();
      document.addEventListener("change", this.onDocumentChange);
      this.stage.addEventListener("pointerdown", this.onPointerDown);
      this.image.addEventListener("load", this.onImageLoad);
      this.addButton.addEventListener("click", this.onAdd);
      this.addButton.hidden = false;
      this.render();
      this.loadImage();
    }

    destroy() {
      document.removeEventListener("change", this.onDocumentChange);
      this.stage.removeEventListener("pointerdown", this.onPointerDown);
      this.image.removeEventListener("load", this.onImageLoad);
      this.addButton.removeEventListener("click", this.onAdd);
      this.note.remove();
    }

    text(key, n) {
      return (this.strings[key] || key).replace("{n}", n);
    }

    read() {
      try {
        const value = JSON.parse(this.input.value || "[]");
        return Array.isArray(value) ? value.filter((a) => a && typeof a === "object") : [];
      } catch {
        return []; // invalid JSON sent back by the form: the error shows above; drawing replaces it
      }
    }

    write() {
      this.input.value = JSON.stringify(this.areas);
      // Lets Wagtail notice unsaved changes (and autosave) as with any edited field.
      this.input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    imageInputId() {
      return siblingId(this.input.id, this.imageField);
    }

    /* -- the screenshot -------------------------------------------------------------------- */

    loadImage() {
      const chooser = document.getElementById(this.imageInputId());
      const id = chooser ? chooser.value : "";
      if (id === this.imageId) return;
      this.imageId = id;
      const request = ++this.requests;
      this.stage.hidden = true;
      this.help.hidden = true;
      if (!id) {
        this.showMessage(this.chooseText);
        return;
      }
      this.showMessage(this.text("loading"));
      fetch(`${this.previewUrl}${encodeURIComponent(id)}/`, {
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
      })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((preview) => {
          if (request !== this.requests) return;
          this.image.width = preview.width;
          this.image.height = preview.height;
          this.image.src = preview.url;
          this.image.alt = preview.title || "";
          this.message.hidden = true;
          this.stage.hidden = false;
          this.help.hidden = false;
          this.renderLayer();
        })
        .catch(() => {
          if (request === this.requests) this.showMessage(this.text("failed"));
        });
    }

    showMessage(text) {
      this.message.textContent = text;
      this.message.hidden = false;
    }

    /* -- drawing --------------------------------------------------------------------------- */

    point(event) {
      const box = this.stage.getBoundingClientRect();
      return { x: clamp((event.clientX - box.left) / box.width), y: clamp((event.clientY - box.top) / box.height) };
    }

    pointerDown(event) {
      if (event.button !== 0 || this.start) return;
      event.preventDefault();
      if (this.areas.length >= this.maxAreas) {
        this.note.textContent = this.text("full");
        return;
      }
      this.start = this.point(event);
      this.draft = this.areaElement({ shape: "rect", ...rectFrom(this.start, this.start) }, "");
      this.draft.classList.add("hotspot-editor__area--draft");
      this.layer.append(this.draft);
      this.stage.setPointerCapture(event.pointerId);
      this.stage.addEventListener("pointermove", this.onPointerMove);
      this.stage.addEventListener("pointerup", this.onPointerUp);
      this.stage.addEventListener("pointercancel", this.onPointerUp);
    }

    pointerMove(event) {
      this.place(this.draft, { shape: "rect", ...rectFrom(this.start, this.point(event)) });
    }

    pointerUp(event) {
      const box = rectFrom(this.start, this.point(event));
      this.stage.removeEventListener("pointermove", this.onPointerMove);
      this.stage.removeEventListener("pointerup", this.onPointerUp);
      this.stage.removeEventListener("pointercancel", this.onPointerUp);
      this.draft.remove();
      this.start = null;
      this.draft = null;
      if (event.type !== "pointerup" || box.w < MIN_SIDE || box.h < MIN_SIDE) return;
      this.areas.push(normalRect(box));
      this.changed();
    }

    addArea() {
      if (this.areas.length >= this.maxAreas) {
        this.note.textContent = this.text("full");
        return;
      }
      this.areas.push(normalRect({ x: 0.4, y: 0.45, w: 0.2, h: 0.1 }));
      this.changed();
      const inputs = this.list.lastElementChild.querySelectorAll("input");
      if (inputs.length) inputs[0].focus();
    }

    deleteArea(index) {
      this.areas.splice(index, 1);
      this.changed();
      const buttons = this.list.querySelectorAll("button");
      (buttons[Math.min(index, buttons.length - 1)] || this.addButton).focus();
    }

    editArea(index, item) {
      const values = Array.from(item.querySelectorAll("input"), (input) => parseFloat(input.value) / 100);
      if (values.some((v) => !Number.isFinite(v))) return;
      const area = normalRect({ x: values[0], y: values[1], w: values[2], h: values[3] });
      this.areas[index] = area;
      // Show what was stored, without rebuilding the list (that would take the focus away).
      item.querySelectorAll("input").forEach((input, i) => {
        input.value = percent([area.x, area.y, area.w, area.h][i]);
      });
      this.write();
      this.renderLayer();
    }

    changed() {
      this.note.textContent = "";
      this.write();
      this.render();
    }

    /* -- rendering ------------------------------------------------------------------------- */

    render() {
      this.renderLayer();
      this.renderList();
    }

    aspect() {
      const w = this.image.naturalWidth || this.image.width;
      const h = this.image.naturalHeight || this.image.height;
      return w && h ? w / h : 1;
    }

    place(element, area) {
      let box = area;
      if (area.shape === "circle") {
        const ry = area.r * this.aspect(); // r is a fraction of the width
        box = { x: area.x - area.r, y: area.y - ry, w: 2 * area.r, h: 2 * ry };
      }
      Object.assign(element.style, {
        left: `${box.x * 100}%`,
        top: `${box.y * 100}%`,
        width: `${box.w * 100}%`,
        height: `${box.h * 100}%`,
      });
    }

    areaElement(area, label) {
      const element = document.createElement("div");
      element.className = `hotspot-editor__area hotspot-editor__area--${area.shape === "circle" ? "circle" : "rect"}`;
      if (label) {
        const number = document.createElement("span");
        number.className = "hotspot-editor__number";
        number.textContent = label;
        element.append(number);
      }
      this.place(element, area);
      return element;
    }

    renderLayer() {
      this.layer.replaceChildren(...this.areas.map((area, i) => this.areaElement(area, String(i + 1))));
    }

    renderList() {
      this.list.replaceChildren(...this.areas.map((area, i) => this.listItem(area, i)));
      if (!this.areas.length) this.note.textContent = this.text("none");
    }

    listItem(area, index) {
      const n = index + 1;
      const item = document.createElement("li");
      item.className = "hotspot-editor__item";
      const name = document.createElement("span");
      name.className = "hotspot-editor__name";
      name.textContent = this.text(area.shape === "circle" ? "circle" : "area", n);
      item.append(name);
      if (area.shape !== "circle") {
        ["left", "top", "width", "height"].forEach((key, i) => {
          const label = document.createElement("label");
          const input = document.createElement("input");
          Object.assign(input, { type: "number", min: 0, max: 100, step: 0.1, value: percent([area.x, area.y, area.w, area.h][i]) });
          input.setAttribute("aria-label", `${name.textContent}: ${this.text(key)}`);
          input.addEventListener("change", () => this.editArea(index, item));
          input.addEventListener("keydown", (event) => {
            if (event.key !== "Enter") return;
            event.preventDefault(); // Enter would submit the whole page form
            this.editArea(index, item);
          });
          label.append(this.text(key), input);
          item.append(label);
        });
      }
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button-small button-secondary no hotspot-editor__delete";
      remove.textContent = this.text("delete", n);
      remove.addEventListener("click", () => this.deleteArea(index));
      item.append(remove);
      return item;
    }
  }

  function register() {
    const { Controller } = window.StimulusModule;
    window.wagtail.app.register(
      IDENTIFIER,
      class extends Controller {
        connect() {
          this.editor = new HotspotEditor(this.element);
        }

        disconnect() {
          this.editor.destroy();
          this.editor = null;
        }
      },
    );
  }

  if (window.StimulusModule && window.wagtail && window.wagtail.app) {
    register();
  } else {
    // Outside Wagtail's admin (no Stimulus application): start the editors already on the page.
    const start = () =>
      document.querySelectorAll(`[data-controller~="${IDENTIFIER}"]`).forEach((root) => new HotspotEditor(root));
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
