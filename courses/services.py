"""Writes of the courses app: the phone versions of trainers' videos.

A video document gets a VideoConversion row when its file is uploaded or replaced
(``video_conversion_request``, called from the document's post_save: Wagtail saves documents in its own
views — upload, multiple upload, the chooser's upload, edit — and has no hook after them). The row is
converted by the background queue (``courses.tasks.convert_video`` → ``video_conversion_run``), never in
a web request.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from wagtail.utils.file import hash_filelike

from courses import media_files
from courses.blocks import VIDEO_EXTENSIONS
from courses.models import VideoConversion

logger = logging.getLogger(__name__)


def is_video_document(document) -> bool:
    return bool(document.file) and document.file_extension.lower() in VIDEO_EXTENSIONS


def _source_hash(document) -> str:
    if document.file_hash:
        return document.file_hash
    try:
        with document.open_file() as file:
            return hash_filelike(file)
    except OSError:
        return ""


def _delete_files_later(files) -> None:
    names = [(f.storage, f.name) for f in files if f]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in names], robust=True)


def video_conversion_request(*, document, force: bool = False) -> VideoConversion | None:
    """Queue the conversion of ``document``'s current file, unless it is done or under way for this very
    file (a retried save changes nothing). ``force``: again even so (``manage.py convert_videos --again``).
    A document that is no (longer a) video loses its versions. Returns the row, or None."""
    if not is_video_document(document):
        old = VideoConversion.objects.filter(document=document).first()
        if old is not None:
            _delete_files_later(old.version_files)
            old.delete()
        return None
    source_hash = _source_hash(document)
    stale = timezone.now() - timedelta(seconds=settings.VIDEO_CONVERSION_TIMEOUT_SECONDS * 3 + 600)
    with transaction.atomic():
        conversion, created = VideoConversion.objects.select_for_update().get_or_create(document=document)
        current = (
            not created
            and conversion.source_hash == source_hash
            and (
                conversion.status in (VideoConversion.Status.DONE, VideoConversion.Status.FAILED)
                # waiting or converting: unless its worker died long ago
                or (conversion.requested_at or stale) > stale
            )
        )
        if current and not force:
            return conversion
        _delete_files_later(conversion.version_files)
        _reset(conversion, source_hash)
        conversion.save()
        transaction.on_commit(lambda: _enqueue(document.pk, source_hash), robust=True)
    return conversion


def _reset(conversion: VideoConversion, source_hash: str) -> None:
    conversion.source_hash = source_hash
    conversion.status = VideoConversion.Status.WAITING
    conversion.problem = conversion.detail = ""
    for name in ("small", "large", "poster"):
        setattr(conversion, name, "")
    conversion.small_size = conversion.large_size = None
    conversion.width = conversion.height = conversion.duration = None
    conversion.requested_at = timezone.now()
    conversion.started_at = conversion.finished_at = None


def _enqueue(document_id: int, source_hash: str) -> None:
    from courses.tasks import convert_video

    convert_video.enqueue(document_id=document_id, source_hash=source_hash)


def video_conversion_run(*, document_id: int, source_hash: str) -> str:
    """Make the phone versions of one document's file (the background task). Runs once per file: a
    second run of the same task, or one for a file replaced since, does nothing. Returns what happened."""
    claimed = VideoConversion.objects.filter(
        document_id=document_id, source_hash=source_hash, status=VideoConversion.Status.WAITING
    ).update(status=VideoConversion.Status.CONVERTING, started_at=timezone.now())
    if not claimed:
        return "skipped"
    conversion = VideoConversion.objects.select_related("document").get(document_id=document_id)
    document = conversion.document
    with tempfile.TemporaryDirectory(prefix="fa-video-") as folder:
        folder = Path(folder)
        try:
            source = _local_copy(document, folder)
            result = media_files.convert(source, folder, timeout=settings.VIDEO_CONVERSION_TIMEOUT_SECONDS)
        except media_files.VideoProblem as problem:
            logger.warning("video %s not converted: %s %s", document_id, problem.code, problem.detail)
            return _finish_failed(document_id, source_hash, problem)
        try:
            return _finish_done(document_id, source_hash, result)
        except OSError as error:  # storage full or unwritable: told like any failure, not stuck "converting"
            logger.exception("video %s: storing the versions failed", document_id)
            return _finish_failed(document_id, source_hash, media_files.VideoProblem("failed", str(error)))


def _local_copy(document, folder: Path) -> Path:
    """A path ffmpeg can read: the file itself on local storage, else a copy in ``folder``."""
    try:
        return Path(document.file.path)
    except NotImplementedError:
        pass
    target = folder / f"source.{document.file_extension.lower()}"
    try:
        with document.open_file() as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
    except OSError as error:
        raise media_files.VideoProblem("missing_file", str(error)) from error
    return target


def _claim_for_finish(document_id: int, source_hash: str) -> VideoConversion | None:
    conversion = VideoConversion.objects.select_for_update().filter(document_id=document_id).first()
    if conversion is None or conversion.source_hash != source_hash:
        return None  # the document was deleted or its file replaced meanwhile: a newer task is queued
    return conversion


def _finish_failed(document_id: int, source_hash: str, problem: media_files.VideoProblem) -> str:
    with transaction.atomic():
        conversion = _claim_for_finish(document_id, source_hash)
        if conversion is None:
            return "replaced"
        conversion.status = VideoConversion.Status.FAILED
        conversion.problem = problem.code
        conversion.detail = problem.detail
        conversion.finished_at = timezone.now()
        conversion.save()
    return f"failed: {problem.code}"


def _finish_done(document_id: int, source_hash: str, result: media_files.Converted) -> str:
    with transaction.atomic():
        conversion = _claim_for_finish(document_id, source_hash)
        if conversion is None:
            return "replaced"
        prefix = f"{document_id}-{source_hash[:8]}"
        saved = []
        try:
            for name, path in (("small", result.small), ("large", result.large), ("poster", result.poster)):
                if path is None:
                    continue
                with path.open("rb") as file:
                    getattr(conversion, name).save(f"{prefix}-{path.name}", File(file), save=False)
                saved.append(getattr(conversion, name))
        except Exception:
            for file in saved:  # nothing half-written: no orphan files when the row is not updated
                file.storage.delete(file.name)
            raise
        conversion.small_size = result.small.stat().st_size
        conversion.large_size = result.large.stat().st_size if result.large else None
        conversion.width, conversion.height, conversion.duration = (
            result.width,
            result.height,
            result.duration,
        )
        conversion.status = VideoConversion.Status.DONE
        conversion.finished_at = timezone.now()
        conversion.save()
    return "done"
