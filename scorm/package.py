"""Reading a SCORM package (a zip) safely: the checks every upload passes before anything is stored,
the manifest (imsmanifest.xml, read with defusedxml), and extraction into a folder of its own.

A package is refused, with a message in the trainer's language, when it is not a zip, has no manifest
at its root, has a manifest that is not well-formed XML or not SCORM 1.2 / 2004, or when any entry
would write outside its folder (``../``, an absolute path, a drive letter, a backslash), is a symlink,
or when it holds too many files, too large a total, or a file that unpacks to far more than it weighs
(a zip bomb). All of it is decided from the zip's directory and the manifest before one file is
written; extraction then re-checks the real sizes as it reads.
"""

from __future__ import annotations

import posixpath
import secrets
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _

MAX_FILES = 5000
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 500 * 1024 * 1024  # unpacked
MAX_RATIO = 100  # a file unpacking to more than this many times its packed size is a bomb
RATIO_FLOOR_BYTES = 1024 * 1024  # small files may compress well (text), only large ones are judged
MAX_MANIFEST_BYTES = 2 * 1024 * 1024
MANIFEST = "imsmanifest.xml"
VERSION_12 = "1.2"
VERSION_2004 = "2004"


class PackageError(ValueError):
    """The package is refused; ``str(error)`` is the message for the trainer."""


@dataclass
class Package:
    version: str
    title: str
    launch: str  # path of the launch file inside the package, with any query string
    identifier: str = ""
    mastery_score: float | None = None  # SCORM 1.2 adlcp:masteryscore (0–100)
    scaled_passing_score: float | None = None  # SCORM 2004 imsss:minNormalizedMeasure (−1–1)
    items: list[dict] = field(
        default_factory=list
    )  # [{"identifier", "title", "href"}] of the first organisation
    file_count: int = 0
    total_bytes: int = 0


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str):
    return [child for child in element if _local(child.tag) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _attr(element, name: str) -> str:
    """An attribute by its local name, whatever its namespace (adlcp:scormtype, adlcp:scormType…)."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value.strip()
    return ""


def safe_member_name(name: str) -> str:
    """The entry's path inside the package folder, or PackageError if it could land outside it."""
    if "\\" in name or "\x00" in name:
        raise PackageError(_("The package contains a file with an unsafe name: %(name)s") % {"name": name})
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise PackageError(_("The package contains a file with an absolute path: %(name)s") % {"name": name})
    normal = posixpath.normpath(name)
    if normal == ".." or normal.startswith("../") or "/../" in f"/{normal}/":
        raise PackageError(
            _("The package contains a file that points outside the package: %(name)s") % {"name": name}
        )
    return normal


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def check_zip(archive: zipfile.ZipFile) -> tuple[int, int]:
    """Check every entry of the directory; (files, unpacked bytes) or PackageError."""
    infos = archive.infolist()
    files = [info for info in infos if not info.is_dir()]
    if len(files) > MAX_FILES:
        raise PackageError(
            _("The package has %(count)s files; at most %(max)s are allowed.")
            % {"count": len(files), "max": MAX_FILES}
        )
    total = 0
    for info in infos:
        safe_member_name(info.filename)
        if _is_symlink(info):
            raise PackageError(
                _("The package contains a link to another file (%(name)s); links are not allowed.")
                % {"name": info.filename}
            )
        if info.flag_bits & 0x1:
            raise PackageError(_("The package is encrypted; upload it without a password."))
        total += info.file_size
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PackageError(
                _("The package contains a file that unpacks to far more than its size (%(name)s).")
                % {"name": info.filename}
            )
    if total > MAX_TOTAL_BYTES:
        raise PackageError(
            _("The package unpacks to %(size)s MB; at most %(max)s MB are allowed.")
            % {"size": total // (1024 * 1024), "max": MAX_TOTAL_BYTES // (1024 * 1024)}
        )
    return len(files), total


def _score(text: str, low: float, high: float) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


def parse_manifest(data: bytes) -> Package:
    """The package's version, title, launch file and pass rule from imsmanifest.xml (PackageError)."""
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise PackageError(_("The package's imsmanifest.xml uses forbidden XML features.")) from error
    except ElementTree.ParseError as error:
        raise PackageError(
            _("The package's imsmanifest.xml is not valid XML: %(error)s") % {"error": error}
        ) from error
    if _local(root.tag) != "manifest":
        raise PackageError(_("The package's imsmanifest.xml is not a SCORM manifest."))
    metadata = _child(root, "metadata")
    schema_version = _text(_child(metadata, "schemaversion")) if metadata is not None else ""
    namespaces = " ".join([root.tag, *(child.tag for child in root.iter() if isinstance(child.tag, str))])
    if "2004" in schema_version or "CAM 1.3" in schema_version or "adlcp_v1p3" in namespaces:
        version = VERSION_2004
    else:
        version = VERSION_12

    resources = {}
    resources_el = _child(root, "resources")
    base = _attr(resources_el, "base") if resources_el is not None else ""
    for resource in _children(resources_el, "resource") if resources_el is not None else []:
        resources[_attr(resource, "identifier")] = resource

    organizations = _child(root, "organizations")
    orgs = _children(organizations, "organization") if organizations is not None else []
    default_id = _attr(organizations, "default") if organizations is not None else ""
    organization = next(
        (org for org in orgs if _attr(org, "identifier") == default_id), orgs[0] if orgs else None
    )

    items: list[dict] = []
    launch = ""
    mastery = None
    passing = None
    title = ""
    if organization is not None:
        title = _text(_child(organization, "title"))
        for item in organization.iter():
            if _local(item.tag) != "item":
                continue
            resource = resources.get(_attr(item, "identifierref"))
            if resource is None:
                continue
            href = _attr(resource, "href")
            if not href:
                continue
            full = (
                posixpath.join(_attr(resource, "base") or base, href)
                if (base or _attr(resource, "base"))
                else href
            )
            parameters = _attr(item, "parameters")
            if parameters:
                full += parameters if parameters.startswith(("?", "#")) else "?" + parameters.lstrip("&")
            items.append(
                {"identifier": _attr(item, "identifier"), "title": _text(_child(item, "title")), "href": full}
            )
            if not launch:
                launch = full
                mastery = _score(_text(_child(item, "masteryscore")), 0, 100)
                sequencing = _child(item, "sequencing")
                objectives = _child(sequencing, "objectives") if sequencing is not None else None
                primary = _child(objectives, "primaryObjective") if objectives is not None else None
                if primary is not None and _attr(primary, "satisfiedByMeasure").lower() == "true":
                    passing = _score(_text(_child(primary, "minNormalizedMeasure")), -1, 1)
    if not launch:  # no organisation: the first SCO resource
        for resource in resources.values():
            if _attr(resource, "scormtype").lower() == "sco" and _attr(resource, "href"):
                launch = _attr(resource, "href")
                break
    if not launch:
        raise PackageError(_("The package's manifest names no page to start it with."))
    path_part = launch.split("?", 1)[0].split("#", 1)[0]
    if path_part.startswith(("http:", "https:", "//")):
        raise PackageError(
            _("The package starts from another website; only packages with their own files are allowed.")
        )
    safe_member_name(path_part)
    return Package(
        version=version,
        title=title[:255],
        launch=launch,
        identifier=_attr(root, "identifier")[:255],
        mastery_score=mastery,
        scaled_passing_score=passing,
        items=items[:200],
    )


def read_package(upload) -> Package:
    """Check an uploaded package (a file object) without storing anything: PackageError if refused."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise PackageError(
            _("The package is %(size)s MB; at most %(max)s MB are allowed.")
            % {"size": size // (1024 * 1024), "max": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            count, total = check_zip(archive)
            names = {safe_member_name(info.filename): info for info in archive.infolist()}
            manifest = names.get(MANIFEST)
            if manifest is None:
                raise PackageError(
                    _("The package has no imsmanifest.xml at its top level: is it a SCORM package?")
                )
            if manifest.file_size > MAX_MANIFEST_BYTES:
                raise PackageError(_("The package's imsmanifest.xml is too large."))
            package = parse_manifest(archive.read(manifest))
            launch_file = package.launch.split("?", 1)[0].split("#", 1)[0]
            if posixpath.normpath(launch_file) not in names:
                raise PackageError(
                    _("The page the package starts with (%(name)s) is not in the package.")
                    % {"name": launch_file}
                )
    except zipfile.BadZipFile as error:
        raise PackageError(_("The file is not a zip file. Upload the SCORM package as a .zip.")) from error
    except (OSError, RuntimeError, NotImplementedError, EOFError) as error:
        raise PackageError(_("The zip file is damaged or uses an unsupported compression.")) from error
    finally:
        upload.seek(0)
    package.file_count, package.total_bytes = count, total
    return package


def packages_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "scorm"


def new_key() -> str:
    """An opaque folder name: nobody can guess another package's address."""
    return secrets.token_hex(16)


def extract(upload, key: str) -> None:
    """Unpack a package that ``read_package`` accepted into its folder. Sizes are counted as the
    files are written (a zip's directory can lie); on any problem the folder is removed and
    PackageError raised, so nothing half-written stays."""
    target = packages_root() / key
    partial = packages_root() / f".{key}.partial"
    partial.mkdir(parents=True, exist_ok=False)
    written = 0
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            for info in archive.infolist():
                name = safe_member_name(info.filename)
                destination = (partial / name).resolve()
                if not destination.is_relative_to(partial.resolve()):
                    raise PackageError(
                        _("The package contains a file that points outside the package: %(name)s")
                        % {"name": info.filename}
                    )
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(destination, "wb") as out:
                    size = 0
                    while chunk := source.read(64 * 1024):
                        size += len(chunk)
                        written += len(chunk)
                        if size > info.file_size or written > MAX_TOTAL_BYTES:
                            raise PackageError(
                                _(
                                    "The package contains a file that unpacks to far more than its size "
                                    "(%(name)s)."
                                )
                                % {"name": info.filename}
                            )
                        out.write(chunk)
        partial.rename(target)
    except zipfile.BadZipFile as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise PackageError(_("The zip file is damaged or uses an unsupported compression.")) from error
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        upload.seek(0)


def remove(key: str) -> None:
    if key and all(c in "0123456789abcdef" for c in key):
        shutil.rmtree(packages_root() / key, ignore_errors=True)
