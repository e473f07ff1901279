"""Test clips made with ffmpeg's own test sources, and the documents that hold them."""

import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection

from courses.media_files import ffmpeg_available


def need_ffmpeg() -> None:
    """Skip without ffmpeg, except in CI (REQUIRE_BROWSER=1: scripts/ensure_browser.sh installs it)."""
    if ffmpeg_available():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail("REQUIRE_BROWSER is set but ffmpeg is missing (scripts/ensure_browser.sh)")
    pytest.skip("ffmpeg not installed; run scripts/ensure_browser.sh")


def make_clip(folder: Path, *, size: str = "1280x720", seconds: float = 2, name: str = "clip.mp4") -> bytes:
    """A short clip: ffmpeg's colour bars (testsrc) with a 440 Hz tone (sine)."""
    target = folder / name
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc=size={size}:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
         str(target)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return target.read_bytes()


def make_tone(folder: Path, *, name: str = "tone.mp3", seconds: float = 1) -> bytes:
    target = folder / name
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", str(target)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return target.read_bytes()


def make_document(content: bytes, name: str, title: str = "操作演示"):
    # Where trainers' files live (core migration 0004): trainers may choose them.
    material = Collection.objects.filter(name="课程素材 Course material").first()
    document = get_document_model()(title=title, **({"collection": material} if material else {}))
    document.file.save(name, ContentFile(content), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def video_block(document, **value):
    return {
        "type": "video",
        "value": {"video": document.pk, "poster": None, "caption": "", "transcript": "", **value},
    }


def mp4_top_boxes(data: bytes) -> list[str]:
    """The top-level boxes of an MP4 file in order (ftyp, moov, mdat…)."""
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8].decode("latin-1")
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        elif size == 0:
            size = len(data) - offset
        boxes.append(kind)
        if size < 8:
            break
        offset += size
    return boxes
