"""Phone versions of trainers' videos: a clip made here with ffmpeg's test sources is converted by the
background task into 360p and 720p H.264/AAC MP4 with the index first, a poster and the duration; broken
files, a PDF and a missing ffmpeg get a clear message and never break the lesson."""

import json
import subprocess

import pytest
from django.conf import settings
from django.core import checks
from django.core.files.base import ContentFile
from django.test import Client

from courses import media_files
from courses.models import VideoConversion
from courses.services import video_conversion_request, video_conversion_run
from courses.tests.video_helpers import (
    make_clip,
    make_document,
    make_tone,
    mp4_top_boxes,
    need_ffmpeg,
    video_block,
)
from tests.factories import make_course, make_lesson

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]  # messages read in English

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def english(client):
    """The Chinese for these words is in the PO file handed over with this change, not yet in locale/."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def converted(tmp_path, django_capture_on_commit_callbacks):
    """A 2-second 1280×720 clip uploaded as a document and converted by the task (run at once in tests)."""
    need_ffmpeg()
    with django_capture_on_commit_callbacks(execute=True):
        document = make_document(make_clip(tmp_path), "clip.mp4")
    return document, VideoConversion.objects.get(document=document)


def ffprobe(path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        check=True,
        capture_output=True,
    ).stdout
    return json.loads(out)


def upload(content: bytes, name: str, capture):
    with capture(execute=True):
        document = make_document(content, name)
    return document, VideoConversion.objects.get(document=document)


def test_an_uploaded_video_gets_phone_versions_poster_and_duration(converted):
    document, conversion = converted
    assert conversion.status == VideoConversion.Status.DONE, conversion.detail
    assert conversion.source_hash == document.file_hash
    assert conversion.duration == pytest.approx(2.0, abs=0.2)
    for file, height in ((conversion.small, 360), (conversion.large, 720)):
        info = ffprobe(file.path)
        video = next(s for s in info["streams"] if s["codec_type"] == "video")
        audio = next(s for s in info["streams"] if s["codec_type"] == "audio")
        assert (video["codec_name"], audio["codec_name"]) == ("h264", "aac")
        assert video["height"] == height and video["width"] == height * 16 // 9
        assert video["pix_fmt"] == "yuv420p"
        boxes = mp4_top_boxes(file.read())
        file.seek(0)
        assert boxes.index("moov") < boxes.index("mdat"), f"not fast start: {boxes}"
    assert conversion.small_size == conversion.small.size < conversion.large_size == conversion.large.size
    assert (conversion.width, conversion.height) == (640, 360)
    with conversion.poster.open("rb") as poster:
        assert poster.read(3) == b"\xff\xd8\xff"  # a JPEG
    assert conversion.message == "Phone versions are ready."


def test_a_small_video_is_never_made_larger(tmp_path, django_capture_on_commit_callbacks):
    need_ffmpeg()
    # A portrait phone recording smaller than 360p: one version, at its own size.
    _, conversion = upload(
        make_clip(tmp_path, size="240x320"), "small.mp4", django_capture_on_commit_callbacks
    )
    assert conversion.status == VideoConversion.Status.DONE, conversion.detail
    assert not conversion.large and conversion.large_size is None
    assert (conversion.width, conversion.height) == (240, 320)


def test_running_the_task_again_or_saving_the_document_again_changes_nothing(
    converted, django_capture_on_commit_callbacks
):
    document, conversion = converted
    assert video_conversion_run(document_id=document.pk, source_hash=document.file_hash) == "skipped"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document.title = "新标题"
        document.save()
    assert callbacks == []
    again = VideoConversion.objects.get(pk=conversion.pk)
    assert (again.small.name, again.requested_at) == (conversion.small.name, conversion.requested_at)


def test_replacing_the_file_converts_again_and_removes_the_old_versions(
    converted, tmp_path, django_capture_on_commit_callbacks
):
    document, conversion = converted
    old_files = [f.name for f in conversion.version_files]
    storage = conversion.small.storage
    with django_capture_on_commit_callbacks(execute=True):
        document.file.save(
            "new.mp4", ContentFile(make_clip(tmp_path, size="640x480", name="b.mp4")), save=False
        )
        document._set_document_file_metadata()
        document.save()
    new = VideoConversion.objects.get(document=document)
    assert new.status == VideoConversion.Status.DONE and new.source_hash == document.file_hash
    assert (new.width, new.height) == (480, 360) and new.large  # 640×480: a 480p "720" version, not upscaled
    assert not any(storage.exists(name) for name in old_files)


def test_deleting_the_document_removes_the_versions(converted, django_capture_on_commit_callbacks):
    document, conversion = converted
    files = [(f.storage, f.name) for f in conversion.version_files]
    with django_capture_on_commit_callbacks(execute=True):
        document.delete()
    assert not VideoConversion.objects.exists()
    assert not any(storage.exists(name) for storage, name in files)


@pytest.mark.parametrize(
    ("content", "name", "problem"),
    [
        (PDF, "handout.mp4", "unreadable"),  # a PDF renamed as a video
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00garbage" * 500, "broken.mp4", "unreadable"),  # a cut-off upload
        (None, "tone.mp4", "not_video"),  # sound only
    ],
)
def test_a_file_that_is_not_a_video_gets_a_message_and_the_lesson_says_the_video_is_not_available(
    content, name, problem, tmp_path, django_capture_on_commit_callbacks, english
):
    need_ffmpeg()
    if content is None:
        content = make_tone(tmp_path, name="tone.m4a")
    document, conversion = upload(content, name, django_capture_on_commit_callbacks)
    assert (conversion.status, conversion.problem) == ("failed", problem)
    assert "not a video" in conversion.message
    lesson = make_lesson(make_course(), body=[video_block(document, caption="操作演示")])
    response = english.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This video is not available." in html and "<video" not in html
    assert "操作演示" in html  # the rest of the block and of the lesson is there


def test_a_cut_off_real_video_gets_a_message(tmp_path, django_capture_on_commit_callbacks):
    need_ffmpeg()
    clip = make_clip(tmp_path)
    _, conversion = upload(clip[: len(clip) // 3], "cut.mp4", django_capture_on_commit_callbacks)
    assert conversion.status == "failed" and conversion.problem in ("unreadable", "failed")
    assert conversion.message


def test_without_ffmpeg_the_trainer_is_told_and_learners_get_the_original(
    tmp_path, django_capture_on_commit_callbacks, monkeypatch, english
):
    need_ffmpeg()  # to make the clip
    clip = make_clip(tmp_path)
    monkeypatch.setattr(media_files.shutil, "which", lambda name: None)
    document, conversion = upload(clip, "clip.mp4", django_capture_on_commit_callbacks)
    assert (conversion.status, conversion.problem) == ("failed", "ffmpeg_missing")
    assert conversion.message.startswith("Cannot convert: ffmpeg is not installed")
    lesson = make_lesson(make_course(), body=[video_block(document)])
    html = english.get(lesson.url).content.decode()
    assert f'<source src="{document.url}" type="video/mp4">' in html
    assert 'preload="none"' in html
    messages = checks.run_checks()
    assert any(m.id == "courses.W001" for m in messages)


def test_a_conversion_that_runs_too_long_is_stopped(tmp_path, django_capture_on_commit_callbacks, settings):
    need_ffmpeg()
    clip = make_clip(tmp_path)
    settings.VIDEO_CONVERSION_TIMEOUT_SECONDS = 0.01
    _, conversion = upload(clip, "clip.mp4", django_capture_on_commit_callbacks)
    assert (conversion.status, conversion.problem) == ("failed", "timeout")
    assert not conversion.small


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker closes its connections
def test_the_upload_only_queues_the_conversion_and_the_worker_makes_it(tmp_path, settings):
    """With the database queue (production), saving the document queues the task; db_worker converts."""
    import logging
    import signal

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    need_ffmpeg()
    database = {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.BACKGROUND_QUEUES}
    settings.TASKS = {**settings.TASKS, "background": database}
    document = make_document(make_clip(tmp_path), "clip.mp4")  # committed at once: the task is queued
    conversion = VideoConversion.objects.get(document=document)
    assert conversion.status == VideoConversion.Status.WAITING
    assert conversion.message.startswith("Converting for phones")
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == ["courses.tasks.convert_video"]

    # db_worker installs signal handlers and log levels for its process; give them back after.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    levels = {name: logging.getLogger(name).level for name in ("django_tasks", "django_tasks_db")}
    try:
        call_command(
            "db_worker",
            "--batch",
            "--backend",
            "background",
            "--queue-name",
            "videos",
            "--no-startup-delay",
            "--no-reload",
            verbosity=0,
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    assert DBTaskResult.objects.get().return_value == "done"
    assert VideoConversion.objects.get(document=document).status == VideoConversion.Status.DONE


def test_convert_videos_command_queues_videos_without_versions(tmp_path, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    need_ffmpeg()
    document = make_document(make_clip(tmp_path), "clip.mp4")  # its queued task never ran (no commit)
    VideoConversion.objects.all().delete()
    pdf = make_document(PDF, "form.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("convert_videos", verbosity=0)
    assert VideoConversion.objects.get(document=document).status == "done"
    assert not VideoConversion.objects.filter(document=pdf).exists()


def test_a_document_changed_into_a_pdf_loses_its_versions(converted, django_capture_on_commit_callbacks):
    document, _ = converted
    with django_capture_on_commit_callbacks(execute=True):
        document.file.save("form.pdf", ContentFile(PDF), save=False)
        document.save()
    assert video_conversion_request(document=document) is None
    assert not VideoConversion.objects.exists()


def test_the_system_check_is_quiet_with_ffmpeg():
    need_ffmpeg()
    assert not [m for m in checks.run_checks() if m.id == "courses.W001"]


class TestLessonVideo:
    @pytest.fixture
    def lesson(self, converted):
        document, conversion = converted
        return make_lesson(make_course(), body=[video_block(document, caption="操作演示")]), conversion

    def test_720p_by_default_with_the_small_one_for_mobile_data(self, lesson, english):
        page, conversion = lesson
        html = english.get(page.url).content.decode()
        assert f'<source src="{conversion.large.url}" type="video/mp4">' in html
        assert f'data-small-src="{conversion.small.url}"' in html
        assert f'poster="{conversion.poster.url}"' in html
        assert 'preload="none"' in html
        assert "0:02 · <span data-video-size>about 0.1 MB</span>" in html or "about 0." in html
        assert '<script src="/static/js/video.js" defer></script>' in html
        assert conversion.document.url not in html  # the original is for trainers, in the admin

    @pytest.mark.parametrize("how", ["header", "cookie"])
    def test_data_saver_serves_the_small_version(self, lesson, english, how):
        page, conversion = lesson
        if how == "cookie":
            english.cookies["fa_data_saver"] = "on"
            response = english.get(page.url)
        else:
            response = english.get(page.url, headers={"Save-Data": "on"})
        html = response.content.decode()
        assert f'<source src="{conversion.small.url}" type="video/mp4">' in html
        assert conversion.large.url not in html
        assert 'preload="none"' in html and f'poster="{conversion.poster.url}"' in html
        assert "about 0.1 MB" in html or "about 0." in html

    def test_the_page_without_a_video_loads_no_video_script(self, english):
        page = make_lesson(make_course())
        assert "video.js" not in english.get(page.url).content.decode()

    def test_an_unconverted_video_plays_the_original(self, tmp_path, english):
        need_ffmpeg()
        document = make_document(make_clip(tmp_path), "clip.mov")  # queued, not run (no commit)
        page = make_lesson(make_course(), body=[video_block(document)])
        html = english.get(page.url).content.decode()
        assert f'<source src="{document.url}" type="video/quicktime">' in html

    def test_the_trainer_sees_converting_in_the_preview_and_on_the_document_page(
        self, tmp_path, admin_client
    ):
        need_ffmpeg()
        document = make_document(make_clip(tmp_path), "clip.mp4")  # queued, not run
        admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = make_lesson(make_course(), body=[video_block(document)])
        html = admin_client.get(f"/admin/pages/{page.pk}/view_draft/").content.decode()
        assert "Converting for phones… Until it is done, learners get the original file." in html
        html = admin_client.get(f"/admin/documents/edit/{document.pk}/").content.decode()
        assert "Phone versions" in html and "Converting for phones" in html

    def test_the_document_page_offers_the_versions_and_the_original(self, lesson, admin_client):
        _, conversion = lesson
        admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = admin_client.get(f"/admin/documents/edit/{conversion.document_id}/").content.decode()
        assert conversion.small.url in html and conversion.large.url in html and conversion.poster.url in html
        assert conversion.document.url in html and "0:02" in html

    def test_a_failed_conversion_shows_its_message_in_the_preview(self, lesson, admin_client):
        page, conversion = lesson
        conversion.status, conversion.problem = "failed", "failed"
        conversion.save()
        admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = admin_client.get(f"/admin/pages/{page.pk}/view_draft/").content.decode()
        assert "Converting failed. Learners get the original file." in html
        assert f'<source src="{conversion.document.url}"' in html


def test_client_without_cookies_is_not_data_saver(converted):
    document, conversion = converted
    page = make_lesson(make_course(), body=[video_block(document)])
    assert conversion.large.url in Client().get(page.url).content.decode()


def test_a_storage_failure_is_reported_and_leaves_no_files(tmp_path, monkeypatch):
    from django.db.models.fields.files import FieldFile

    need_ffmpeg()
    document = make_document(make_clip(tmp_path), "clip.mp4")  # queued, not run (no commit)
    real_save, saved = FieldFile.save, []

    def save_then_fail(self, name, content, save=True):
        if self.field.name == "large":
            raise OSError("No space left on device")
        real_save(self, name, content, save)
        saved.append((self.storage, self.name))

    monkeypatch.setattr(FieldFile, "save", save_then_fail)
    assert video_conversion_run(document_id=document.pk, source_hash=document.file_hash) == "failed: failed"
    conversion = VideoConversion.objects.get(document=document)
    assert (conversion.status, conversion.problem) == ("failed", "failed")
    assert "No space left" in conversion.detail and not conversion.small
    assert saved and not any(storage.exists(name) for storage, name in saved)
