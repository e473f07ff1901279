/* Data saver (courses/blocks/_picture_saver.html): a picture loads only when its placeholder is tapped.
   Without JavaScript the placeholder is a link that opens the picture. */
(() => {
  "use strict";
  if (window.dataSaverLoaded) return;
  window.dataSaverLoaded = true;

  // Swap the placeholder for the picture kept (not loaded) in its <template>; returns the <img>.
  const reveal = (holder) => {
    const template = holder.querySelector("template[data-saver-image]");
    if (!template) return null;
    const picture = template.content.cloneNode(true);
    const image = picture.querySelector("img");
    holder.replaceWith(picture);
    return image;
  };

  // Capture phase: the tap only loads the picture; the practice (practice.js) must not count it.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-saver-link]");
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const holder = link.closest("[data-saver]");
    // A guided practice is one exercise: starting it loads all of its screenshots.
    const practice = holder.closest("[data-practice]");
    const others = practice ? [...practice.querySelectorAll("[data-saver]")].filter((h) => h !== holder) : [];
    const image = reveal(holder);
    others.forEach(reveal);
    if (image) {
      image.tabIndex = -1;
      image.focus();
    }
  }, true);
})();
