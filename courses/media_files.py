"""Lesson media files on disk: phone versions of a trainer's video made with ffmpeg, and the check that a
trainer's recording is a sound file a phone can play. No models and no database here: services.py calls
these with paths and stores what they return.

ffmpeg and ffprobe come from the system packages (Debian's `ffmpeg`); without them the site still runs,
every conversion ends with VideoProblem("ffmpeg_missing") and lessons play the original file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Short side of each phone version, in pixels. A version is never larger than the original.
SMALL_SIDE = 360
LARGE_SIDE = 720
# Quality and a ceiling on the bit rate, so the size shown before playing is what a phone downloads.
ENCODINGS = {
    "small": {"crf": "28", "maxrate": "700k", "bufsize": "1400k", "audio": "64k"},
    "large": {"crf": "24", "maxrate": "2000k", "bufsize": "4000k", "audio": "128k"},
}
PROBE_TIMEOUT_SECONDS = 60
STDERR_KEPT = 2000  # characters of ffmpeg's own message kept for operators


class VideoProblem(Exception):
    """Why a file got no phone versions. ``code`` is one of VideoConversion.Problem's values;
    ``detail`` is ffmpeg's own words, for operators (never shown to learners)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail[-STDERR_KEPT:]


@dataclass(frozen=True)
class Probe:
    duration: float
    width: int  # as shown, after the rotation a phone recorded
    height: int
    has_audio: bool

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)


@dataclass(frozen=True)
class Converted:
    duration: float
    width: int  # of the small version
    height: int
    small: Path
    large: Path | None  # None when the original is no larger than the small version
    poster: Path


def ffmpeg_available() -> bool:
    return bool(shutil.which("ffmpeg") and shutil.which("ffprobe"))


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    try:
        # A list of arguments, no shell: the only outside input is a path to a file we stored.
        return subprocess.run(  # noqa: S603
            args, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError as error:
        raise VideoProblem("ffmpeg_missing", str(error)) from error
    except subprocess.TimeoutExpired as error:  # subprocess.run has killed ffmpeg
        raise VideoProblem("timeout", f"{args[0]} ran longer than {timeout:.0f} s") from error


def _decode(output: bytes) -> str:
    return output.decode("utf-8", "replace").strip()


def probe(path: Path, *, timeout: float = PROBE_TIMEOUT_SECONDS) -> Probe:
    """What ffprobe reads in ``path``: raises VideoProblem "unreadable" (damaged, or no format ffmpeg
    knows) or "not_video" (readable, without a moving picture: a PDF is unreadable, an MP3 is not_video)."""
    result = _run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        timeout,
    )
    if result.returncode != 0:
        raise VideoProblem("unreadable", _decode(result.stderr))
    try:
        info = json.loads(result.stdout or b"{}")
    except ValueError as error:
        raise VideoProblem("unreadable", str(error)) from error
    streams = info.get("streams") or []
    # A still picture inside a sound file (album art) is a "video" stream marked attached_pic.
    videos = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    if not videos:
        raise VideoProblem("not_video", "no video stream")
    video = videos[0]
    try:
        width, height = int(video["width"]), int(video["height"])
    except (KeyError, TypeError, ValueError) as error:
        raise VideoProblem("unreadable", "no picture size") from error
    if _rotation(video) in (90, 270):
        width, height = height, width
    try:
        duration = float((info.get("format") or {}).get("duration") or video.get("duration") or 0)
    except ValueError:
        duration = 0.0
    if width < 2 or height < 2 or duration <= 0:
        raise VideoProblem("unreadable", f"size {width}x{height}, duration {duration}")
    return Probe(
        duration=duration,
        width=width,
        height=height,
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
    )


def _rotation(stream: dict) -> int:
    rotate = (stream.get("tags") or {}).get("rotate")
    for side_data in stream.get("side_data_list") or []:
        if "rotation" in side_data:
            rotate = side_data["rotation"]
    try:
        return abs(int(float(rotate or 0))) % 360
    except ValueError:
        return 0


def _scale(short_side: int) -> str:
    """A scale filter giving the short side ``short_side`` pixels (even), the long side in proportion,
    for landscape and portrait alike (ffmpeg has applied the phone's rotation before this filter)."""
    side = short_side - short_side % 2
    return f"scale=w='if(gte(iw,ih),-2,{side})':h='if(gte(iw,ih),{side},-2)',setsar=1,format=yuv420p"


def _encode(source: Path, target: Path, *, side: int, kind: str, has_audio: bool, timeout: float) -> None:
    e = ENCODINGS[kind]
    args = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(source)]
    args += ["-map", "0:v:0", "-vf", _scale(side), "-c:v", "libx264", "-preset", "veryfast"]
    args += ["-profile:v", "main", "-crf", e["crf"], "-maxrate", e["maxrate"], "-bufsize", e["bufsize"]]
    if has_audio:
        args += ["-map", "0:a:0", "-c:a", "aac", "-b:a", e["audio"], "-ac", "2"]
    args += ["-movflags", "+faststart", "-max_muxing_queue_size", "1024", str(target)]
    result = _run(args, timeout)
    if result.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        raise VideoProblem("failed", _decode(result.stderr))


def _poster(source: Path, target: Path, *, side: int, at: float, timeout: float) -> None:
    for seek in (at, 0.0):  # a frame a moment in (the first is often black), else the very first
        args = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-ss", f"{seek:.2f}"]
        args += ["-i", str(source), "-frames:v", "1", "-vf", _scale(side), "-q:v", "4", str(target)]
        result = _run(args, timeout)
        if result.returncode == 0 and target.exists() and target.stat().st_size > 0:
            return
    raise VideoProblem("failed", _decode(result.stderr))


def convert(source: Path, folder: Path, *, timeout: float) -> Converted:
    """Make the phone versions of ``source`` in ``folder``: 360p and (when the original is larger) 720p
    H.264/AAC MP4 with the index at the front (plays while it downloads), and a poster JPEG. ``timeout``
    bounds each ffmpeg run. Raises VideoProblem."""
    if not ffmpeg_available():
        raise VideoProblem("ffmpeg_missing", "ffmpeg or ffprobe is not on PATH")
    info = probe(source)
    small_side = min(SMALL_SIDE, info.short_side)
    small = folder / "360.mp4"
    _encode(source, small, side=small_side, kind="small", has_audio=info.has_audio, timeout=timeout)
    large = None
    if info.short_side > SMALL_SIDE:
        large = folder / "720.mp4"
        side = min(LARGE_SIDE, info.short_side)
        _encode(source, large, side=side, kind="large", has_audio=info.has_audio, timeout=timeout)
    poster = folder / "poster.jpg"
    poster_side = min(LARGE_SIDE, info.short_side)
    _poster(source, poster, side=poster_side, at=min(1.0, info.duration / 3), timeout=timeout)
    shown = probe(small)
    return Converted(
        duration=info.duration,
        width=shown.width,
        height=shown.height,
        small=small,
        large=large,
        poster=poster,
    )


# --- Trainers' recordings ---------------------------------------------------------------------------

RECORDING_EXTENSIONS = ("mp3", "m4a", "aac", "ogg", "oga", "wav")
RECORDING_TYPES = {
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "wav": "audio/wav",
}


def sound_kind(head: bytes) -> str | None:
    """The kind of sound file these first bytes start, by its signature, or None: MP3 (an ID3 tag or an
    MPEG audio frame), MP4 audio (an `ftyp` box), AAC (an ADTS frame), Ogg, WAV."""
    if head.startswith(b"ID3") or (
        len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 in (0xE2, 0xE4, 0xE6)
    ):
        return "mp3"
    if head[4:8] == b"ftyp":
        return "m4a"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "aac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    return None


# Extensions that may hold each kind: an .m4a is MP4 audio, an .aac may be either ADTS or MP4.
SOUND_KINDS_BY_EXTENSION = {
    "mp3": {"mp3"},
    "m4a": {"m4a"},
    "aac": {"aac", "m4a"},
    "ogg": {"ogg"},
    "oga": {"ogg"},
    "wav": {"wav"},
}
