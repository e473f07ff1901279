/* The script of the malicious package built in scorm/tests/packages.py (inlined in its page). */
(function () {
  var P = "frontline.scorm/1", results = {};
  function attempt(name, read) {
    try { results[name] = "read:" + String(read()).slice(0, 60); } catch (error) { results[name] = "blocked"; }
  }
  attempt("parent.document", function () { return window.parent.document.title; });
  attempt("top.document", function () { return window.top.document.body.innerHTML; });
  attempt("csrf token", function () { return window.parent.document.querySelector("[name=csrfmiddlewaretoken]").value; });
  attempt("parent.fetch", function () { return window.parent.fetch("/admin/"); });
  attempt("cookie", function () { return document.cookie; });
  attempt("localStorage", function () { return window.localStorage.length; });
  var passed = { "cmi.core.lesson_status": "passed", "cmi.core.score.raw": "100" };
  [
    "passed",
    [P, "commit", passed],
    { scorm: P, type: "commit", data: passed },
    { scorm: P, type: "commit", data: passed, session_seconds: "1" },
    { scorm: "other", type: "commit", data: passed, session_seconds: 1 },
    { scorm: P, type: "delete", data: passed, session_seconds: 1 },
    { scorm: P, type: "commit", data: { "cmi.core.lesson_status": "passed", "evil": "1" }, session_seconds: 1 },
    { scorm: P, type: "commit", data: { "cmi.core.lesson_status": 100 }, session_seconds: 1 },
    { scorm: P, type: "commit", data: [passed], session_seconds: 1 },
    { scorm: P, type: "commit", data: passed, session_seconds: -5 }
  ].forEach(function (message) { window.parent.postMessage(message, "*"); });
  // The right shape, from the wrong window: a frame of the package's own.
  var nested = document.createElement("iframe");
  nested.hidden = true;
  nested.srcdoc = "<script>parent.parent.postMessage({scorm: 'frontline.scorm/1', type: 'commit', " +
    "data: {'cmi.core.lesson_status': 'passed', 'cmi.core.score.raw': '100'}, session_seconds: 1}, '*');<\/script>";
  document.body.appendChild(nested);
  function settle(name, promise) {
    return promise.then(function (text) { results[name] = text === null ? "blocked" : "read:" + text.slice(0, 60); },
      function () { results[name] = "blocked"; });
  }
  function opaque(response) {  // a no-cors answer: nothing of it can be read
    return response.type === "opaque" && response.status === 0 ? response.text().then(function (t) { return t === "" ? null : t; }) : response.text();
  }
  Promise.all([
    settle("fetch /admin/", fetch("/admin/", { credentials: "include" }).then(function (r) { return r.text(); })),
    settle("fetch /my/data.json", fetch("/my/data.json", { credentials: "include" }).then(function (r) { return r.text(); })),
    settle("no-cors /my/data.json", fetch("/my/data.json", { credentials: "include", mode: "no-cors" }).then(opaque)),
    settle("xhr /admin/", new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("GET", "/admin/");
      xhr.withCredentials = true;
      xhr.onload = function () { resolve(xhr.responseText); };
      xhr.onerror = reject;
      xhr.send();
    }))
  ]).then(function () { document.getElementById("attacks").textContent = JSON.stringify(results); });
})();
