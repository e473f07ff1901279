/* Lesson videos (courses/blocks/video.html) on mobile data: where the browser says the phone is on a
   mobile network or a slow connection (the Network Information API, Chrome on Android), the player gets
   the small 360p version instead of 720p, and the size shown is the small one's. Nothing is downloaded
   before the learner taps play (preload="none"). Elsewhere, and without JavaScript, 720p plays. */
(() => {
  "use strict";
  const connection = navigator.connection;
  if (!connection) return;
  const slow = ["slow-2g", "2g", "3g"].includes(connection.effectiveType);
  if (!(connection.type === "cellular" || connection.saveData || slow)) return;
  document.querySelectorAll("video[data-small-src]").forEach((video) => {
    if (!video.paused || video.currentTime > 0) return;
    const source = video.querySelector("source");
    if (source) source.src = video.dataset.smallSrc;
    const link = video.querySelector("[data-video-link]");
    if (link) link.href = video.dataset.smallSrc;
    const size = video.closest(".block-video")?.querySelector("[data-video-size]");
    if (size) size.textContent = video.dataset.smallSize;
    video.load();
  });
})();
