/* The installable web app's page side (core/pwa.py): registers the service worker where the browser has
   one, saves a course to the phone (「保存到手机」, progress/_offline_save.html), marks saved courses on
   My learning, refreshes a saved course when its version changed, and forgets everything on sign-out.
   Without service workers or without JavaScript nothing here shows. */
(() => {
  "use strict";
  const HEADER = "X-Frontline-Offline";
  const INDEX_CACHE = "fa-saved";
  const INDEX_KEY = "/__saved__/index.json";
  const MY_CACHE = "fa-my";
  // Each saved version of a course has its own cache: a refresh fills a new one, then drops the old.
  const coursePrefix = (id) => `fa-course-${id}-`;
  const dropCaches = async (id, keep) => {
    const names = (await caches.keys()).filter((name) => name.startsWith(coursePrefix(id)) && name !== keep);
    await Promise.all(names.map((name) => caches.delete(name)));
  };
  const script = document.currentScript;
  const supported = "serviceWorker" in navigator && "caches" in window;

  // Signing out: forget saved courses and offline records where Clear-Site-Data is not understood.
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("[data-sign-out]") || form.dataset.cleared) return;
    event.preventDefault();
    // Lessons finished offline and not yet sent (js/offline.js) would be lost with the rest: ask first.
    let pending = 0;
    try { pending = JSON.parse(localStorage.getItem("frontline.offline.completions") || "[]").length; } catch (error) { pending = 0; }
    if (pending && form.dataset.pendingWarning && !window.confirm(form.dataset.pendingWarning.replace("{count}", pending))) return;
    try {
      if ("caches" in window) await Promise.all((await caches.keys()).map((name) => caches.delete(name)));
      if (window.indexedDB && indexedDB.databases) {
        await Promise.all((await indexedDB.databases()).map((db) => new Promise((done) => {
          const request = indexedDB.deleteDatabase(db.name);
          request.onsuccess = request.onerror = request.onblocked = done;
        })));
      }
      if (navigator.serviceWorker) {
        await Promise.all((await navigator.serviceWorker.getRegistrations()).map((r) => r.unregister()));
      }
    } finally {
      form.dataset.cleared = "1";
      form.submit();
    }
  });

  // A saved page has no CSRF token (core.pwa): a form posted from it takes the current one from the cookie.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || form.method !== "post" || form.querySelector("[name=csrfmiddlewaretoken]")) return;
    const token = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (!token) return;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "csrfmiddlewaretoken";
    input.value = token.slice("csrftoken=".length);
    form.append(input);
  });

  if (!supported) return;
  navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(() => {});

  const readIndex = async () => {
    const response = await caches.match(INDEX_KEY, { cacheName: INDEX_CACHE });
    return response ? response.json() : {};
  };
  const writeIndex = async (index) => {
    const cache = await caches.open(INDEX_CACHE);
    await cache.put(INDEX_KEY, new Response(JSON.stringify(index), { headers: { "Content-Type": "application/json" } }));
  };
  const formatSize = (bytes) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} KB`);
  const pixels = () => Math.round(Math.min(screen.width || innerWidth, 704) * (devicePixelRatio || 1));
  const listUrl = (url) => `${url}?px=${pixels()}`;

  const fetchList = async (url) => {
    const response = await fetch(listUrl(url), { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw Object.assign(new Error(`${url}: ${response.status}`), { status: response.status });
    return response.json();
  };

  // Saves My learning (one copy for every saved course), without its CSRF token.
  const saveMyLearning = async (url) => {
    const response = await fetch(url, { credentials: "same-origin", headers: { [HEADER]: "1" } });
    if (response.ok && !response.redirected) await (await caches.open(MY_CACHE)).put(url, response);
  };

  // Everything of one course into its own cache, or nothing: a failure deletes the half-saved copy.
  const saveCourse = async (list, onStep) => {
    const entries = [
      ...list.pages.map((page) => ({ url: page.url, page: true })),
      ...list.images.map((image) => ({ url: image.url })),
      ...list.files.map((file) => ({ url: file.url })),
    ];
    const name = coursePrefix(list.course) + list.version;
    await caches.delete(name);
    const cache = await caches.open(name);
    let bytes = 0;
    try {
      for (const [i, entry] of entries.entries()) {
        const response = await fetch(entry.url, {
          credentials: "same-origin", headers: entry.page ? { [HEADER]: "1" } : {}, cache: "no-cache",
        });
        if (!response.ok || response.redirected) throw new Error(`${entry.url}: ${response.status}`);
        bytes += (await response.clone().blob()).size;
        await cache.put(entry.url, response);
        onStep(i + 1, entries.length);
      }
      await saveMyLearning(list.my_learning);
    } catch (error) {
      await caches.delete(name);
      throw error;
    }
    const index = await readIndex();
    index[list.course] = { version: list.version, bytes, title: list.title, aliases: list.aliases, saved: Date.now() };
    await writeIndex(index);
    await dropCaches(list.course, name);
    return bytes;
  };

  const deleteCourse = async (id) => {
    await dropCaches(id, null);
    const index = await readIndex();
    delete index[id];
    await writeIndex(index);
    if (!Object.keys(index).length) await caches.delete(MY_CACHE);
  };

  // A saved course whose version changed (a trainer published, a deploy, another language): save again.
  const refresh = async (id, url, index) => {
    let list;
    try {
      list = await fetchList(url);
    } catch (error) {
      // No longer open to this learner, or no longer published: the saved copy goes.
      if (error.status === 403 || error.status === 404) await deleteCourse(id);
      throw error;
    }
    if (index[id] && list.version !== index[id].version) await saveCourse(list, () => {});
    return (await readIndex())[id];
  };

  // The course page's panel.
  const panel = document.querySelector("[data-offline-save]");
  if (panel) {
    const $ = (name) => panel.querySelector(`[data-offline-${name}]`);
    const say = (text) => { $("status").textContent = text; };
    const show = (...names) => {
      for (const name of ["start", "confirm", "cancel", "delete"]) $(name).hidden = !names.includes(name);
    };
    const id = panel.dataset.course;
    let list = null;
    const showSaved = (entry) => {
      panel.dataset.state = "saved";
      say(panel.dataset.saved.replace("{size}", formatSize(entry.bytes)));
      $("hint").hidden = true;
      show("delete");
    };
    const showUnsaved = (text) => {
      panel.dataset.state = "unsaved";
      say(text || "");
      $("hint").hidden = false;
      show("start");
    };
    panel.hidden = false;
    readIndex().then(async (index) => {
      if (!index[id]) return showUnsaved();
      showSaved(index[id]);
      if (navigator.onLine) {
        panel.dataset.state = "updating";
        say(panel.dataset.updating);
        try { showSaved(await refresh(id, panel.dataset.url, index)); } catch { showSaved(index[id]); }
      }
    });
    $("start").addEventListener("click", async () => {
      $("start").disabled = true;
      say(panel.dataset.checking);
      try {
        list = await fetchList(panel.dataset.url);
        say(panel.dataset.confirm.replace("{size}", formatSize(list.bytes)));
        show("confirm", "cancel");
        $("confirm").focus();
      } catch {
        showUnsaved(panel.dataset.failed);
      } finally {
        $("start").disabled = false;
      }
    });
    $("cancel").addEventListener("click", () => { showUnsaved(); $("start").focus(); });
    $("confirm").addEventListener("click", async () => {
      panel.dataset.state = "saving";
      show();
      const bar = $("progress");
      bar.hidden = false;
      try {
        const bytes = await saveCourse(list, (n, total) => {
          bar.max = total;
          bar.value = n;
          say(panel.dataset.progress.replace("{n}", n).replace("{total}", total));
        });
        showSaved({ bytes });
      } catch {
        showUnsaved(panel.dataset.failed);
      } finally {
        bar.hidden = true;
        $("delete").hidden || $("delete").focus();
      }
    });
    $("delete").addEventListener("click", async () => {
      await deleteCourse(id);
      showUnsaved(panel.dataset.deleted);
      $("start").focus();
    });
  }

  // My learning: mark the saved courses; online, refresh them and the saved copy of this page.
  const rows = document.querySelectorAll("[data-offline-course]");
  const mark = (index) => {
    for (const row of rows) {
      const entry = index[row.dataset.offlineCourse];
      const label = row.querySelector("[data-offline-saved]");
      if (!label) continue;
      label.dataset.label = label.dataset.label || label.textContent;
      label.hidden = !entry;
      if (entry) label.textContent = `${label.dataset.label} · ${formatSize(entry.bytes)}`;
    }
  };
  if (rows.length) {
    readIndex().then(async (index) => {
      mark(index);
      if (!navigator.onLine || !Object.keys(index).length) return;
      const url = script.dataset.offlineList;
      for (const id of Object.keys(index)) {
        try { await refresh(id, url.replace("/0/", `/${id}/`), index); } catch { /* next time */ }
      }
      mark(await readIndex());
      if (Object.keys(await readIndex()).length) await saveMyLearning(location.pathname);
    });
  }
})();
