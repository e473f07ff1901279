/* The SCORM run-time API inside the package's own frame. The platform puts this script first in the <head> of every
 * HTML page it serves from a package (scorm.views.content), so it runs before the package's scripts and defines
 * window.API (SCORM 1.2) or window.API_1484_11 (SCORM 2004) in the package's frame itself, where the package's
 * search (this window, then its parents, then the opener) finds it at once.
 *
 * The package runs in an opaque origin (sandboxed, without allow-same-origin): it can reach neither the lesson
 * page, nor the learner's cookies, nor any page of the site with the learner's rights. So the data model lives
 * here and answers the package synchronously; what the package writes is posted (postMessage) to the lesson page
 * (scorm/runtime.js), which checks the message and saves it with the learner's session.
 *
 * The learner's state arrives before any script of the package runs, in the frame's name (window.name), which the
 * lesson page sets before it loads the package; the name is kept up to date, so a package whose page moves to
 * another page in the same frame carries on where it was. Our own script, no third party. */
(function () {
  "use strict";
  var PROTOCOL = "frontline.scorm/1";
  var NAME_PREFIX = PROTOCOL + ":";

  function readState() {
    var name = "";
    try { name = String(window.name || ""); } catch (error) { return null; }
    if (name.indexOf(NAME_PREFIX) !== 0) return null;
    try {
      var parsed = JSON.parse(name.slice(NAME_PREFIX.length));
      return parsed && typeof parsed === "object" && parsed.data && typeof parsed.data === "object" ? parsed : null;
    } catch (error) { return null; }
  }
  // state: version, data, entry, total_seconds, learner_id, learner_name, mastery_score, scaled_passing_score.
  var state = readState();
  // Not played by a lesson page (opened directly, or a frame of the package's own): no API here.
  if (!state || window.parent === window) return;
  var is2004 = state.version === "2004";
  var data = state.data; // element → value, what the package wrote (and what is stored)
  var initialized = false, terminated = false, lastError = "0", sessionStart = 0, pending = false;
  // Where the lesson page is. In an opaque origin (files served by the site itself) it is this URL's origin. On a
  // content host of its own (SCORM_CONTENT_ORIGIN) the lesson page said where it is, and the content host's policy
  // (frame-ancestors) lets only the site's lesson pages frame the package, so nobody else gets what it posts.
  var lessonOrigin = window.location.origin;
  if (typeof state.lesson_origin === "string" && /^https?:\/\/[^\/]+$/.test(state.lesson_origin)) {
    lessonOrigin = state.lesson_origin;
  }

  // ---- value checks ----------------------------------------------------------------------------
  var DECIMAL = /^-?\d+(\.\d+)?$/;
  function decimal(low, high) {
    return function (v) {
      if (!DECIMAL.test(v)) return "type";
      var n = parseFloat(v);
      if ((low !== null && n < low) || (high !== null && n > high)) return "range";
      return null;
    };
  }
  function vocab(words) { return function (v) { return words.indexOf(v) >= 0 ? null : "type"; }; }
  function text(max) { return function (v) { return v.length <= max ? null : (is2004 ? "range" : "type"); }; }
  var TIMESPAN_12 = /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/;
  var DURATION = /^P(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d{1,2})?S)?)?$/;
  function timespan(v) { return TIMESPAN_12.test(v) ? null : "type"; }
  function duration(v) { return DURATION.test(v) && v !== "P" && v.slice(-1) !== "T" ? null : "type"; }
  function any() { return null; }

  // ---- the data models: element → [mode, check]; "r" read-only, "w" write-only, "rw" ----------
  var score12 = decimal(0, 100), blankOrScore12 = function (v) { return v === "" ? null : score12(v); };
  var MODEL_12 = {
    "cmi.core.student_id": ["r"], "cmi.core.student_name": ["r"],
    "cmi.core.lesson_location": ["rw", text(255)], "cmi.core.credit": ["r"],
    "cmi.core.lesson_status": ["rw", vocab(["passed", "completed", "failed", "incomplete", "browsed"])],
    "cmi.core.entry": ["r"], "cmi.core.score.raw": ["rw", blankOrScore12],
    "cmi.core.score.min": ["rw", blankOrScore12], "cmi.core.score.max": ["rw", blankOrScore12],
    "cmi.core.total_time": ["r"], "cmi.core.lesson_mode": ["r"],
    "cmi.core.exit": ["w", vocab(["time-out", "suspend", "logout", ""])],
    "cmi.core.session_time": ["w", timespan], "cmi.suspend_data": ["rw", text(4096)],
    "cmi.launch_data": ["r"], "cmi.comments": ["rw", text(4096)], "cmi.comments_from_lms": ["r"],
    "cmi.student_data.mastery_score": ["r"], "cmi.student_data.max_time_allowed": ["r"],
    "cmi.student_data.time_limit_action": ["r"],
    "cmi.student_preference.audio": ["rw", decimal(-1, 100)], "cmi.student_preference.language": ["rw", text(255)],
    "cmi.student_preference.speed": ["rw", decimal(-100, 100)], "cmi.student_preference.text": ["rw", decimal(-1, 1)]
  };
  var CHILDREN_12 = {
    "cmi.core._children": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
    "cmi.core.score._children": "raw,min,max",
    "cmi.student_data._children": "mastery_score,max_time_allowed,time_limit_action",
    "cmi.student_preference._children": "audio,language,speed,text",
    "cmi.objectives._children": "id,score,status",
    "cmi.interactions._children": "id,objectives,time,type,correct_responses,weighting,student_response,result,latency"
  };
  var ARRAYS_12 = {
    "cmi.objectives": { "id": ["rw", text(255)], "score.raw": ["rw", blankOrScore12], "score.min": ["rw", blankOrScore12],
      "score.max": ["rw", blankOrScore12], "status": ["rw", vocab(["passed", "completed", "failed", "incomplete", "browsed", "not attempted"])],
      "score._children": ["r"] },
    "cmi.interactions": { "id": ["w", text(255)], "time": ["w", any], "type": ["w", vocab(["true-false", "choice", "fill-in", "matching", "performance", "sequencing", "likert", "numeric"])],
      "weighting": ["w", decimal(null, null)], "student_response": ["w", text(255)], "result": ["w", any], "latency": ["w", timespan] }
  };
  var SUB_ARRAYS_12 = { "objectives": { "id": ["w", text(255)] }, "correct_responses": { "pattern": ["w", text(255)] } };

  var scaled = decimal(-1, 1), real = decimal(null, null);
  var MODEL_2004 = {
    "cmi._version": ["r"], "cmi.learner_id": ["r"], "cmi.learner_name": ["r"],
    "cmi.location": ["rw", text(1000)],
    "cmi.completion_status": ["rw", vocab(["completed", "incomplete", "not attempted", "unknown"])],
    "cmi.success_status": ["rw", vocab(["passed", "failed", "unknown"])],
    "cmi.score.scaled": ["rw", scaled], "cmi.score.raw": ["rw", real], "cmi.score.min": ["rw", real], "cmi.score.max": ["rw", real],
    "cmi.progress_measure": ["rw", decimal(0, 1)], "cmi.completion_threshold": ["r"], "cmi.scaled_passing_score": ["r"],
    "cmi.entry": ["r"], "cmi.exit": ["w", vocab(["time-out", "suspend", "logout", "normal", ""])],
    "cmi.session_time": ["w", duration], "cmi.total_time": ["r"], "cmi.suspend_data": ["rw", text(64000)],
    "cmi.launch_data": ["r"], "cmi.mode": ["r"], "cmi.credit": ["r"], "cmi.max_time_allowed": ["r"], "cmi.time_limit_action": ["r"],
    "cmi.learner_preference.audio_level": ["rw", decimal(0, null)], "cmi.learner_preference.language": ["rw", text(250)],
    "cmi.learner_preference.delivery_speed": ["rw", decimal(0, null)], "cmi.learner_preference.audio_captioning": ["rw", vocab(["-1", "0", "1"])],
    "adl.nav.request": ["rw", any]
  };
  var UNSET_2004 = ["cmi.location", "cmi.suspend_data", "cmi.score.scaled", "cmi.score.raw", "cmi.score.min", "cmi.score.max", "cmi.progress_measure"];
  var CHILDREN_2004 = {
    "cmi.score._children": "scaled,raw,min,max",
    "cmi.learner_preference._children": "audio_level,language,delivery_speed,audio_captioning",
    "cmi.objectives._children": "id,score,success_status,completion_status,progress_measure,description",
    "cmi.interactions._children": "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description",
    "cmi.comments_from_learner._children": "comment,location,timestamp",
    "cmi.comments_from_lms._children": "comment,location,timestamp"
  };
  var ARRAYS_2004 = {
    "cmi.objectives": { "id": ["rw", text(4000)], "score.scaled": ["rw", scaled], "score.raw": ["rw", real], "score.min": ["rw", real],
      "score.max": ["rw", real], "success_status": ["rw", vocab(["passed", "failed", "unknown"])],
      "completion_status": ["rw", vocab(["completed", "incomplete", "not attempted", "unknown"])],
      "progress_measure": ["rw", decimal(0, 1)], "description": ["rw", text(250)], "score._children": ["r"] },
    "cmi.interactions": { "id": ["rw", text(4000)], "type": ["rw", vocab(["true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert", "numeric", "other"])],
      "timestamp": ["rw", any], "weighting": ["rw", real], "learner_response": ["rw", text(4000)], "result": ["rw", any],
      "latency": ["rw", duration], "description": ["rw", text(250)] },
    "cmi.comments_from_learner": { "comment": ["rw", text(4000)], "location": ["rw", text(250)], "timestamp": ["rw", any] },
    "cmi.comments_from_lms": {}
  };
  var SUB_ARRAYS_2004 = { "objectives": { "id": ["rw", text(4000)] }, "correct_responses": { "pattern": ["rw", text(4000)] } };

  var MODEL = is2004 ? MODEL_2004 : MODEL_12, CHILDREN = is2004 ? CHILDREN_2004 : CHILDREN_12;
  var ARRAYS = is2004 ? ARRAYS_2004 : ARRAYS_12, SUB_ARRAYS = is2004 ? SUB_ARRAYS_2004 : SUB_ARRAYS_12;

  // Error codes of each version for the situations both share.
  var E = is2004 ? { none: "0", general: "101", undefined: "401", keyword: "401", readonly: "404", writeonly: "405", type: "406", range: "407",
      notInit: "122", setNotInit: "132", commitNotInit: "142", afterTerm: "123", setAfterTerm: "133", commitAfterTerm: "143", unset: "403",
      argument: "201", noChildren: "301", noCount: "301", dependency: "408", already: "103", terminated: "104", termBefore: "112", termAfter: "113" }
    : { none: "0", general: "101", undefined: "401", keyword: "402", readonly: "403", writeonly: "404", type: "405", range: "405",
      notInit: "301", setNotInit: "301", commitNotInit: "301", afterTerm: "101", setAfterTerm: "101", commitAfterTerm: "101", unset: "0",
      argument: "201", noChildren: "202", noCount: "203", dependency: "201", already: "101", terminated: "101", termBefore: "301", termAfter: "101" };
  var MESSAGES = { "0": "No error", "101": "General exception", "102": "General initialization failure", "103": "Already initialized",
    "104": "Content instance terminated", "111": "General termination failure", "112": "Termination before initialization",
    "113": "Termination after termination", "122": "Retrieve data before initialization", "123": "Retrieve data after termination",
    "132": "Store data before initialization", "133": "Store data after termination", "142": "Commit before initialization",
    "143": "Commit after termination", "201": "Invalid argument error", "202": is2004 ? "Invalid argument error" : "Element cannot have children",
    "203": "Element not an array - cannot have count", "301": is2004 ? "General get failure" : "Not initialized",
    "351": "General set failure", "391": "General commit failure", "401": is2004 ? "Undefined data model element" : "Not implemented error",
    "402": is2004 ? "Unimplemented data model element" : "Invalid set value, element is a keyword",
    "403": is2004 ? "Data model element value not initialized" : "Element is read only",
    "404": is2004 ? "Data model element is read only" : "Element is write only",
    "405": is2004 ? "Data model element is write only" : "Incorrect data type",
    "406": "Data model element type mismatch", "407": "Data model element value out of range", "408": "Data model dependency not established" };

  // ---- time --------------------------------------------------------------------------------------
  function pad(n, width) { n = String(n); while (n.length < width) n = "0" + n; return n; }
  function format12(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    return pad(h, 4) + ":" + pad(m, 2) + ":" + pad(s.toFixed(2), 5);
  }
  function format2004(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = Math.round(seconds % 60 * 100) / 100;
    return "PT" + h + "H" + m + "M" + s + "S";
  }
  function parseTime(v) {
    var match = /^(\d{2,4}):(\d{2}):(\d{2}(?:\.\d{1,2})?)$/.exec(v || "");
    if (match) return (+match[1]) * 3600 + (+match[2]) * 60 + parseFloat(match[3]);
    match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(v || "");
    if (!match) return null;
    return (+(match[1] || 0)) * 31536000 + (+(match[2] || 0)) * 2592000 + (+(match[3] || 0)) * 86400 +
      (+(match[4] || 0)) * 3600 + (+(match[5] || 0)) * 60 + parseFloat(match[6] || 0);
  }
  function sessionSeconds() {
    var reported = parseTime(data[is2004 ? "cmi.session_time" : "cmi.core.session_time"]);
    if (reported !== null) return reported;
    return sessionStart ? (Date.now() - sessionStart) / 1000 : 0;
  }

  // ---- values the platform owns ------------------------------------------------------------------
  function platformValue(name) {
    var v12 = {
      "cmi.core.student_id": state.learner_id, "cmi.core.student_name": state.learner_name, "cmi.core.credit": "credit",
      "cmi.core.entry": state.entry, "cmi.core.total_time": format12(state.total_seconds || 0), "cmi.core.lesson_mode": "normal",
      "cmi.launch_data": "", "cmi.comments_from_lms": "",
      "cmi.student_data.mastery_score": state.mastery_score === null ? "" : String(state.mastery_score),
      "cmi.student_data.max_time_allowed": "", "cmi.student_data.time_limit_action": "continue,no message"
    };
    var v2004 = {
      "cmi._version": "1.0", "cmi.learner_id": state.learner_id, "cmi.learner_name": state.learner_name, "cmi.credit": "credit",
      "cmi.entry": state.entry, "cmi.total_time": format2004(state.total_seconds || 0), "cmi.mode": "normal", "cmi.launch_data": "",
      "cmi.completion_threshold": "", "cmi.max_time_allowed": "", "cmi.time_limit_action": "continue,no message",
      "cmi.scaled_passing_score": state.scaled_passing_score === null ? "" : String(state.scaled_passing_score)
    };
    var table = is2004 ? v2004 : v12;
    return Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  }
  var DEFAULTS = is2004 ? { "cmi.completion_status": "unknown", "cmi.success_status": "unknown", "adl.nav.request": "_none_" }
    : { "cmi.core.lesson_status": "not attempted" };

  function count(prefix) {
    var n = 0;
    while (Object.prototype.hasOwnProperty.call(data, prefix + "." + n + "._set")) n++;
    return n;
  }

  // Where a name sits in the model: {spec: [mode, check]} or {count: prefix} or {children: "..."}, or {error}.
  function locate(name) {
    if (typeof name !== "string" || name === "") return { error: E.argument === "201" && is2004 ? "301" : E.argument };
    if (CHILDREN[name] !== undefined) return { children: CHILDREN[name] };
    if (MODEL[name]) return { spec: MODEL[name], name: name };
    var match = /^(cmi\.(?:objectives|interactions|comments_from_learner|comments_from_lms))\.(.+)$/.exec(name);
    if (!match || !ARRAYS[match[1]]) {
      if (/\._children$/.test(name)) return { error: E.noChildren, known: true };
      if (/\._count$/.test(name)) return { error: E.noCount, known: true };
      if (/^adl\.nav\.request_valid\./.test(name)) return { readonly: "unknown" };
      return { error: E.undefined };
    }
    var prefix = match[1], rest = match[2];
    if (rest === "_count") return { count: prefix };
    var item = /^(\d+)\.(.+)$/.exec(rest);
    if (!item) return { error: E.undefined };
    var index = +item[1], field = item[2], base = prefix + "." + index;
    var sub = /^(objectives|correct_responses)\.(.+)$/.exec(field);
    if (sub && SUB_ARRAYS[sub[1]]) {
      var subPrefix = base + "." + sub[1];
      if (sub[2] === "_count") return { count: subPrefix, index: index, prefix: prefix };
      var subItem = /^(\d+)\.(.+)$/.exec(sub[2]);
      if (!subItem || !SUB_ARRAYS[sub[1]][subItem[2]]) return { error: E.undefined };
      return { spec: SUB_ARRAYS[sub[1]][subItem[2]], name: name, index: index, prefix: prefix, subIndex: +subItem[1], subPrefix: subPrefix };
    }
    if (ARRAYS[prefix][field]) return { spec: ARRAYS[prefix][field], name: name, index: index, prefix: prefix };
    return { error: E.undefined };
  }

  function getValue(name) {
    if (!initialized) { lastError = E.notInit; return ""; }
    if (terminated) { lastError = E.afterTerm; return ""; }
    var where = locate(name);
    lastError = E.none;
    if (where.error) { lastError = where.error; return ""; }
    if (where.children !== undefined) return where.children;
    if (where.readonly !== undefined) return where.readonly;
    if (where.count) return String(count(where.count));
    if (where.spec[0] === "w") { lastError = E.writeonly; return ""; }
    var platform = platformValue(name);
    if (platform !== undefined) return platform;
    if (Object.prototype.hasOwnProperty.call(data, name)) return data[name];
    if (Object.prototype.hasOwnProperty.call(DEFAULTS, name)) return DEFAULTS[name];
    if (is2004 && (UNSET_2004.indexOf(name) >= 0 || where.index !== undefined)) { lastError = where.index !== undefined && where.index >= count(where.prefix) ? "301" : E.unset; return ""; }
    return "";
  }

  function setValue(name, value) {
    if (!initialized) { lastError = E.setNotInit; return "false"; }
    if (terminated) { lastError = E.setAfterTerm; return "false"; }
    value = value === undefined || value === null ? "" : String(value);
    var where = locate(name);
    if (where.error) { lastError = where.known && !is2004 ? E.keyword : (where.known ? "404" : where.error); return "false"; }
    if (where.children !== undefined || where.count) { lastError = is2004 ? E.readonly : E.keyword; return "false"; }
    if (where.readonly !== undefined || where.spec[0] === "r") { lastError = E.readonly; return "false"; }
    if (where.index !== undefined) {
      var n = count(where.prefix);
      if (where.index > n) { lastError = is2004 ? "351" : E.argument; return "false"; }
      if (is2004 && where.index === n && !/\.id$/.test(name) && where.prefix !== "cmi.comments_from_learner") { lastError = E.dependency; return "false"; }
      if (where.subPrefix !== undefined) {
        var m = count(where.subPrefix);
        if (where.subIndex > m) { lastError = is2004 ? "351" : E.argument; return "false"; }
      }
    }
    var problem = where.spec[1] ? where.spec[1](value) : null;
    if (problem) { lastError = problem === "range" ? E.range : E.type; return "false"; }
    data[name] = value;
    if (where.index !== undefined) data[where.prefix + "." + where.index + "._set"] = "1";
    if (where.subPrefix !== undefined) data[where.subPrefix + "." + where.subIndex + "._set"] = "1";
    lastError = E.none;
    changed();
    return "true";
  }

  // ---- telling the lesson page -------------------------------------------------------------------
  // Every message carries all the data: the lesson page keeps the last one and saves it (batched; at once on
  // Commit and Terminate; by sendBeacon when the learner leaves). Changes made in one turn of the event loop
  // go as one message.
  function post(type) {
    var message = { scorm: PROTOCOL, type: type, data: data, session_seconds: Math.max(0, sessionSeconds()) };
    try { window.name = NAME_PREFIX + JSON.stringify(state); } catch (error) { /* the package renamed its frame */ }
    window.parent.postMessage(message, lessonOrigin);
  }
  function changed() {
    if (pending) return;
    pending = true;
    Promise.resolve().then(function () { if (pending) { pending = false; post("set"); } });
  }
  function flush(type) { pending = false; post(type); }
  window.addEventListener("pagehide", function () { if (initialized) flush("set"); });

  // ---- the two APIs ------------------------------------------------------------------------------
  function initialize(arg) {
    if (arg !== "" && arg !== undefined && is2004) { lastError = E.argument; return "false"; }
    if (terminated) { lastError = E.terminated; return "false"; }
    if (initialized) { lastError = E.already; return "false"; }
    initialized = true; lastError = E.none; sessionStart = Date.now();
    if (!is2004 && !data["cmi.core.lesson_status"]) { data["cmi.core.lesson_status"] = "incomplete"; changed(); }
    return "true";
  }
  function terminate(arg) {
    if (arg !== "" && arg !== undefined && is2004) { lastError = E.argument; return "false"; }
    if (!initialized) { lastError = E.termBefore; return "false"; }
    if (terminated) { lastError = E.termAfter; return "false"; }
    terminated = true; lastError = E.none;
    flush("finish");
    return "true";
  }
  function commit(arg) {
    if (arg !== "" && arg !== undefined && is2004) { lastError = E.argument; return "false"; }
    if (!initialized) { lastError = E.commitNotInit; return "false"; }
    if (terminated) { lastError = E.commitAfterTerm; return "false"; }
    lastError = E.none;
    flush("commit");
    return "true";
  }
  function errorString(code) { return MESSAGES[String(code)] || ""; }
  function diagnostic(code) { return errorString(code === "" || code === undefined ? lastError : code); }
  function getLastError() { return lastError; }

  if (is2004) {
    window.API_1484_11 = { version: "1.0", Initialize: initialize, Terminate: terminate, GetValue: getValue, SetValue: setValue,
      Commit: commit, GetLastError: getLastError, GetErrorString: errorString, GetDiagnostic: diagnostic };
  } else {
    window.API = { LMSInitialize: initialize, LMSFinish: terminate, LMSGetValue: getValue, LMSSetValue: setValue, LMSCommit: commit,
      LMSGetLastError: getLastError, LMSGetErrorString: errorString, LMSGetDiagnostic: diagnostic };
  }
})();
