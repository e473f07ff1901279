{% autoescape off %}/* Frontline Academy service worker (served by core.pwa.service_worker at /sw.js).
   Version {{ version }}: a hash of this source and of the static files saved pages use; a deploy that
   changes them installs a new worker, which deletes the caches of the old one.
   - Static files: cache first (their names are hashed in production).
   - Pages: network first; with no network, the copy saved with a course (js/pwa.js), else the offline page.
   - Pictures: a saved copy first, else the network; offline, another saved size of the same picture.
   Only GET requests of this site are handled; forms always go to the network. */
"use strict";
const VERSION = "{{ version }}";
const STATIC_CACHE = "fa-static-" + VERSION;
const SHELL_CACHE = "fa-shell-" + VERSION;
const OWN_PREFIXES = ["fa-static-", "fa-shell-"];
const OFFLINE_URL = "{{ offline_url }}";
const MANIFEST_URL = "{{ manifest_url }}";
const PRECACHE = {{ precache }};
const STATIC_URL = "{{ static_url }}";
const MEDIA_URL = "{{ media_url }}";
const HEADER = "{{ header }}";
const INDEX_CACHE = "fa-saved";
const INDEX_KEY = "/__saved__/index.json";
const PLACEHOLDER = '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="9" viewBox="0 0 16 9"><rect width="16" height="9" fill="#f2f5f9"/></svg>';

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    const offline = await fetch(OFFLINE_URL, { headers: { [HEADER]: "1" }, credentials: "same-origin" });
    if (offline.ok) await cache.put(OFFLINE_URL, offline);
    await cache.add(MANIFEST_URL);
    const statics = await caches.open(STATIC_CACHE);
    await statics.addAll(PRECACHE);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => OWN_PREFIXES.some((prefix) => name.startsWith(prefix)))
      .filter((name) => name !== STATIC_CACHE && name !== SHELL_CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

const savedIndex = async () => {
  const response = await caches.match(INDEX_KEY);
  return response ? response.json() : {};
};

// A picture saved at another size: the index maps every size of a saved picture to the one kept.
const savedAlias = async (url) => {
  const index = await savedIndex();
  for (const course of Object.values(index)) {
    const kept = course.aliases && course.aliases[url];
    if (kept) {
      const response = await caches.match(kept, { ignoreVary: true });
      if (response) return response;
    }
  }
  return null;
};

const staticFirst = async (request) => {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
};

const mediaFirst = async (request) => {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch (error) {
    const alias = await savedAlias(new URL(request.url).pathname);
    if (alias) return alias;
    // A picture of a page that was not saved with it (another course's card on My learning): a grey box.
    return new Response(PLACEHOLDER, { headers: { "Content-Type": "image/svg+xml", "Cache-Control": "no-store" } });
  }
};

const pageNetworkFirst = async (request) => {
  try {
    return await fetch(request);
  } catch (error) {
    const url = new URL(request.url);
    const saved = await caches.match(url.pathname, { ignoreVary: true, ignoreSearch: true });
    if (saved) return saved;
    const offline = await caches.match(OFFLINE_URL, { ignoreVary: true });
    if (offline) return offline;
    throw error;
  }
};

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.headers.get(HEADER)) return;  // js/pwa.js saving a course: straight to the network
  if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(staticFirst(request));
  } else if (url.pathname.startsWith(MEDIA_URL + "images/")) {
    event.respondWith(mediaFirst(request));
  } else if (url.pathname === MANIFEST_URL) {
    event.respondWith(fetch(request).catch(() => caches.match(MANIFEST_URL, { cacheName: SHELL_CACHE })));
  } else if (request.mode === "navigate") {
    event.respondWith(pageNetworkFirst(request));
  }
});
{% endautoescape %}
