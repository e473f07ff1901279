"""SCORM packages built in the tests: a manifest and a page that calls the run-time API the way authoring
tools do (find the API by walking window.parent, initialise, read entry/location/suspend data, write
location, suspend data, score and status, commit, finish or terminate)."""

import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.scan12" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>扫码登记（SCORM 1.2）</title>
      <item identifier="ITEM1" identifierref="RES1" isvisible="true">
        <title>扫码登记练习</title>
        {mastery}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES1" type="webcontent" adlcp:scormtype="sco" href="content/index.html">
      <file href="content/index.html"/>
    </resource>
  </resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.scan2004" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>扫码登记（SCORM 2004）</title>
      <item identifier="ITEM1" identifierref="RES1">
        <title>扫码登记练习</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="PRIMARY" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES1" type="webcontent" adlcp:scormType="sco" href="content/index.html">
      <file href="content/index.html"/>
    </resource>
  </resources>
</manifest>
"""

# The page of both packages; API_NAME etc. are filled in per version.
SCO_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>练习</title><link rel="stylesheet" href="style.css"></head>
<body>
<h1>扫码登记练习</h1>
<p id="entry"></p><p id="location"></p><p id="suspend"></p><p id="api"></p>
<button id="next" type="button">下一页</button>
<button id="answer" type="button">答对了</button>
<button id="finish" type="button">完成</button>
<script>
  // As authoring tools do: look for the API in this window, then each parent, then the opener.
  function findAPI(win) {
    var tries = 0;
    while (win.%(api)s == null && win.parent != null && win.parent != win && tries < 10) {
      tries++; win = win.parent;
    }
    return win.%(api)s;
  }
  var api = findAPI(window) || (window.opener ? findAPI(window.opener) : null);
  var started = new Date();
  function show(id, text) { document.getElementById(id).textContent = text; }
  if (!api) { show("api", "no API"); } else {
    show("api", "init=" + api.%(init)s(""));
    var entry = api.%(get)s("%(entry)s");
    show("entry", "entry=" + entry);
    var place = api.%(get)s("%(location)s");
    show("location", "location=" + place);
    var suspend = api.%(get)s("cmi.suspend_data");
    show("suspend", "suspend=" + suspend);
    if (api.%(get)s("%(status)s") == "not attempted" || api.%(get)s("%(status)s") == "unknown") {
      api.%(set)s("%(status)s", "incomplete");
    }
    document.getElementById("next").addEventListener("click", function () {
      api.%(set)s("%(location)s", "page-2");
      api.%(set)s("cmi.suspend_data", "{\\"page\\":2,\\"answers\\":[1,3]}");
      api.%(commit)s("");
      show("location", "location=page-2");
    });
    document.getElementById("answer").addEventListener("click", function () {
      %(score)s
      api.%(commit)s("");
      show("api", "answered");
    });
    document.getElementById("finish").addEventListener("click", function () {
      var seconds = Math.max(1, Math.round((new Date() - started) / 1000));
      api.%(set)s("%(session)s", %(session_value)s);
      api.%(set)s("%(exit)s", "suspend");
      show("api", "finish=" + api.%(finish)s(""));
    });
  }
</script>
</body></html>
"""

SCO_12 = SCO_PAGE % {
    "api": "API",
    "init": "LMSInitialize",
    "get": "LMSGetValue",
    "set": "LMSSetValue",
    "commit": "LMSCommit",
    "finish": "LMSFinish",
    "entry": "cmi.core.entry",
    "location": "cmi.core.lesson_location",
    "status": "cmi.core.lesson_status",
    "session": "cmi.core.session_time",
    "session_value": '"0000:00:" + ("0" + Math.min(seconds, 59)).slice(-2)',
    "exit": "cmi.core.exit",
    "score": (
        'api.LMSSetValue("cmi.core.score.min", "0"); api.LMSSetValue("cmi.core.score.max", "100");'
        ' api.LMSSetValue("cmi.core.score.raw", "80"); api.LMSSetValue("cmi.core.lesson_status", "passed");'
    ),
}
SCO_2004 = SCO_PAGE % {
    "api": "API_1484_11",
    "init": "Initialize",
    "get": "GetValue",
    "set": "SetValue",
    "commit": "Commit",
    "finish": "Terminate",
    "entry": "cmi.entry",
    "location": "cmi.location",
    "status": "cmi.completion_status",
    "session": "cmi.session_time",
    "session_value": '"PT" + seconds + "S"',
    "exit": "cmi.exit",
    "score": (
        'api.SetValue("cmi.score.min", "0"); api.SetValue("cmi.score.max", "100");'
        ' api.SetValue("cmi.score.raw", "80");'
        ' api.SetValue("cmi.score.scaled", "0.8"); api.SetValue("cmi.completion_status", "completed");'
        ' api.SetValue("cmi.success_status", "passed");'
    ),
}


def zip_bytes(files: dict[str, bytes | str], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def package_files(version: str = "1.2", *, mastery: int | None = None) -> dict[str, str]:
    if version == "1.2":
        manifest = MANIFEST_12.replace(
            "{mastery}", f"<adlcp:masteryscore>{mastery}</adlcp:masteryscore>" if mastery is not None else ""
        )
        page = SCO_12
    else:
        manifest, page = MANIFEST_2004, SCO_2004
    return {
        "imsmanifest.xml": manifest,
        "content/index.html": page,
        "content/style.css": "body { font-family: sans-serif; margin: 8px; } button { padding: 8px; }",
    }


def package_upload(version: str = "1.2", *, name: str | None = None, **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name or f"scan-{version}.zip",
        zip_bytes(package_files(version, **kwargs)),
        content_type="application/zip",
    )


def make_scorm_lesson(course, version: str = "1.2", *, title: str = "扫码登记练习（SCORM）", **fields):
    """A published SCORM lesson of ``course`` playing a package built here."""
    from scorm import package as packages
    from scorm.models import ScormPackage, ScormPage
    from tests.factories import publish

    upload = package_upload(version, mastery=fields.pop("mastery", None))
    record = ScormPackage.create_from_upload(upload, package=packages.read_package(upload))
    page = ScormPage(
        title=title, slug=fields.pop("slug", f"scorm-{version.replace('.', '')}"), package=record, **fields
    )
    return publish(course, page)


# A package that tries everything a package must not be able to do, besides playing normally: read the lesson
# page, the learner's cookies and storage, call the site with the learner's session (the admin, the learner's
# own data download), and post the lesson page forged messages (wrong shape, or from a frame that is not the
# package's). What it managed is written, as JSON, into #attacks: "blocked" or "read:<what it read>".
ATTACKS = (
    '<pre id="attacks"></pre>\n<script>\n'
    + (Path(__file__).parent / "attacks.js").read_text(encoding="utf-8")
    + "</script>\n"
)


def malicious_package_upload() -> SimpleUploadedFile:
    files = package_files("1.2")
    files["content/index.html"] = SCO_12.replace("</body>", ATTACKS + "</body>")
    return SimpleUploadedFile("malicious.zip", zip_bytes(files), content_type="application/zip")


# A SCORM 2004 SCO of two pages in one frame (the first moves to the second), which saves 60,000 characters of
# suspend data: the state travels with the frame, and comes back whole after a reload.
TWO_PAGES = """<!doctype html>
<html><head><meta charset="utf-8"><title>%(title)s</title></head>
<body><p id="state"></p><button id="save" type="button">save</button><a id="go" href="page2.html">next</a>
<script>
  var api = window.API_1484_11;
  api.Initialize("");
  document.getElementById("state").textContent = "%(title)s " + api.GetValue("cmi.entry") + " "
    + api.GetValue("cmi.location") + " " + api.GetValue("cmi.suspend_data").length;
  document.getElementById("save").addEventListener("click", function () {
    api.SetValue("cmi.location", "%(title)s");
    api.SetValue("cmi.suspend_data", new Array(60001).join("x"));
    api.SetValue("cmi.exit", "suspend");
    api.Commit("");
  });
</script></body></html>
"""


def two_page_package_upload() -> SimpleUploadedFile:
    files = package_files("2004")
    files["content/index.html"] = TWO_PAGES % {"title": "page1"}
    files["content/page2.html"] = TWO_PAGES % {"title": "page2"}
    return SimpleUploadedFile("two-pages.zip", zip_bytes(files), content_type="application/zip")
