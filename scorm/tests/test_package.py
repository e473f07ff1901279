"""Packages refused before anything is stored: zip-slip, absolute paths, symlinks, bombs, too many files,
no manifest, bad XML; and the manifests of SCORM 1.2 and 2004 read right."""

import io
import stat
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from scorm import package as packages
from scorm.models import ScormPackage, ScormPageForm
from scorm.tests.packages import package_files, package_upload, zip_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]  # messages read in English


def upload(data: bytes, name="bad.zip"):
    return SimpleUploadedFile(name, data, content_type="application/zip")


def with_files(**extra):
    files = package_files("1.2")
    files.update(extra)
    return zip_bytes(files)


def symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in package_files("1.2").items():
            archive.writestr(name, content)
        link = zipfile.ZipInfo("content/secret")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def bomb_zip() -> bytes:
    files = package_files("1.2")
    files["content/zeros.bin"] = b"\0" * (20 * 1024 * 1024)
    return zip_bytes(files)


def manifest_zip(manifest: str) -> bytes:
    files = package_files("1.2")
    files["imsmanifest.xml"] = manifest
    return zip_bytes(files)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<manifest>&lol2;</manifest>"""

REFUSED = {
    "zip-slip": (with_files(**{"../../evil.html": "x"}), "outside the package"),
    "zip-slip inside a folder": (with_files(**{"content/../../evil.html": "x"}), "outside the package"),
    "absolute path": (with_files(**{"/etc/cron.d/evil": "x"}), "absolute path"),
    "drive letter": (with_files(**{"C:/evil.html": "x"}), "absolute path"),
    "backslash": (with_files(**{"content\\..\\..\\evil.html": "x"}), "unsafe name"),
    "symlink": (symlink_zip(), "link to another file"),
    "bomb": (bomb_zip(), "unpacks to far more"),
    "no manifest": (zip_bytes({"index.html": "<p>hi</p>"}), "no imsmanifest.xml"),
    "manifest in a folder": (zip_bytes({"pkg/imsmanifest.xml": "<manifest/>"}), "no imsmanifest.xml"),
    "bad XML": (manifest_zip("<manifest><organizations>"), "not valid XML"),
    "entities": (manifest_zip(BILLION_LAUGHS), "forbidden XML"),
    "not a manifest": (manifest_zip("<html/>"), "not a SCORM manifest"),
    "no launch page": (manifest_zip("<manifest><organizations/><resources/></manifest>"), "names no page"),
    "launch page missing": (
        zip_bytes({"imsmanifest.xml": package_files("1.2")["imsmanifest.xml"]}),
        "is not in the package",
    ),
    "remote launch": (
        manifest_zip(
            '<manifest><resources><resource identifier="R" adlcp:scormtype="sco" '
            'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2" href="https://evil.example/x.html"/>'
            "</resources></manifest>"
        ),
        "another website",
    ),
    "not a zip": (b"this is not a zip file", "not a zip file"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_refused_with_a_clear_message_and_nothing_stored(case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data, message = REFUSED[case]
    with translation.override("en"), pytest.raises(packages.PackageError, match=message):
        packages.read_package(upload(data))
    assert not (tmp_path / "scorm").exists()
    assert ScormPackage.objects.count() == 0


def test_too_many_files(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(packages, "MAX_FILES", 5)
    data = with_files(**{f"content/{n}.txt": "x" for n in range(5)})
    with pytest.raises(packages.PackageError, match="at most 5 are allowed"):
        packages.read_package(upload(data))


def test_too_large_unpacked(monkeypatch):
    monkeypatch.setattr(packages, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(packages.PackageError, match="unpacks to"):
        packages.read_package(upload(with_files(**{"content/big.txt": "y" * 2000})))


def test_a_zip_whose_directory_lies_about_sizes_is_removed_while_extracting(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    good = package_upload("1.2")
    parsed = packages.read_package(good)
    real_infolist = zipfile.ZipFile.infolist

    def lying_infolist(self):
        infos = real_infolist(self)
        for info in infos:
            info.file_size = min(info.file_size, 3)
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying_infolist)
    with pytest.raises(packages.PackageError):
        packages.extract(good, packages.new_key())
    assert list((tmp_path / "scorm").iterdir()) == []
    assert parsed.version == "1.2"


def test_manifests_of_both_versions():
    one = packages.read_package(package_upload("1.2", mastery=80))
    assert (one.version, one.launch, one.mastery_score, one.title) == (
        "1.2",
        "content/index.html",
        80.0,
        "扫码登记（SCORM 1.2）",
    )
    two = packages.read_package(package_upload("2004"))
    assert (two.version, two.launch, two.scaled_passing_score) == ("2004", "content/index.html", 0.6)
    assert two.items == [{"identifier": "ITEM1", "title": "扫码登记练习", "href": "content/index.html"}]


def test_xml_base_and_parameters_make_the_launch_url():
    manifest = (
        '<manifest xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"><organizations default="O">'
        '<organization identifier="O"><title>T</title>'
        '<item identifier="I" identifierref="R" parameters="?a=1">'
        "<title>T</title></item></organization></organizations>"
        '<resources xml:base="content/"><resource identifier="R" adlcp:scormtype="sco" href="index.html"/>'
        "</resources></manifest>"
    )
    parsed = packages.read_package(upload(manifest_zip(manifest)))
    assert parsed.launch == "content/index.html?a=1"


def test_form_refuses_a_bad_package_and_stores_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form = ScormPageForm.__new__(ScormPageForm)  # only clean() is exercised
    form.cleaned_data = {"package_file": upload(bomb_zip())}
    form.instance = type("Page", (), {"package_id": None})()
    errors = {}
    form.add_error = lambda field, message: errors.setdefault(field, str(message))
    super_clean = ScormPageForm.__mro__[1].clean
    ScormPageForm.__mro__[1].clean = lambda self: self.cleaned_data
    try:
        form.clean()
    finally:
        ScormPageForm.__mro__[1].clean = super_clean
    assert "unpacks to far more" in errors["package_file"]
    assert not (tmp_path / "scorm").exists()
    assert ScormPackage.objects.count() == 0
