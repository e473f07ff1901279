"""Lesson media on a phone: a trainer's recording replaces 朗读本课 with an audio player that plays; a
converted video plays the 720p version, switches to the small one on mobile data (the Network
Information API) and plays it, and shows its size before anything is downloaded."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from courses.models import VideoConversion
from courses.tests.video_helpers import make_clip, make_document, make_tone, need_ffmpeg, video_block
from tests.factories import make_course, make_lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHINESE_VOICE = """
Object.defineProperty(window, "speechSynthesis", {value: {
  getVoices: () => [{name: "Chinese", lang: "zh-CN", localService: true}],
  speak() {}, cancel() {}, pause() {}, resume() {}, addEventListener() {}, removeEventListener() {},
}, configurable: true});
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
"""
MOBILE_DATA = """
Object.defineProperty(navigator, "connection", {
  value: {type: "cellular", effectiveType: "4g", saveData: false}, configurable: true,
});
"""


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def plays(locator) -> None:
    """Start the media muted (no tap needed) and wait until its time moves."""
    locator.evaluate("m => { m.muted = true; return m.play(); }")
    locator.page.wait_for_function("m => m.currentTime > 0", arg=locator.element_handle())


def test_a_lesson_with_a_recording_shows_the_player_instead_of_read_aloud(phone, tmp_path):
    need_ffmpeg()
    recording = make_document(make_tone(tmp_path, seconds=2), "reading.mp3", title="朗读录音")
    lesson = make_lesson(make_course(), "访客登记", recording=recording)
    other = make_lesson(lesson.get_parent().specific, "查看记录")
    page = phone.page
    page.context.add_init_script(CHINESE_VOICE)

    phone.goto(lesson.url)
    audio = page.locator("audio[data-recording]")
    expect(audio).to_be_visible()
    assert audio.get_attribute("preload") == "none" and audio.get_attribute("controls") is not None
    expect(page.get_by_role("button", name=zh("Read this lesson aloud"))).to_have_count(0)
    expect(page.locator("[data-listen]")).to_have_count(0)
    phone.screenshot("recording", full_page=False)
    plays(audio)

    # A lesson without a recording keeps the phone's reading voice.
    phone.goto(other.url)
    expect(page.get_by_role("button", name=zh("Read this lesson aloud"))).to_be_visible()
    expect(page.locator("audio")).to_have_count(0)


@pytest.fixture
def video_lesson(transactional_db, tmp_path):
    need_ffmpeg()
    # A transactional test commits at once, so the (immediate, in tests) queue converts it right away.
    document = make_document(make_clip(tmp_path), "clip.mp4")
    conversion = VideoConversion.objects.get(document=document)
    assert conversion.status == "done", conversion.detail
    return make_lesson(
        make_course(), "操作演示", body=[video_block(document, caption="操作演示")]
    ), conversion


def test_the_video_plays_720p_on_wifi_and_the_small_version_on_mobile_data(phone, video_lesson):
    lesson, conversion = video_lesson
    page = phone.page
    requested = []
    page.on("request", lambda r: "/media/videos/" in r.url and requested.append(r.url))

    phone.goto(lesson.url)
    video = page.locator("video")
    expect(video.locator("source")).to_have_attribute("src", conversion.large.url)
    expect(video).to_have_attribute("poster", conversion.poster.url)
    size = page.locator("[data-video-size]")
    expect(size).to_contain_text("MB")
    assert not [url for url in requested if url.endswith(".mp4")], "nothing downloaded before play"

    page.context.add_init_script(MOBILE_DATA)
    phone.goto(lesson.url)
    expect(video.locator("source")).to_have_attribute("src", conversion.small.url)
    expect(size).to_have_text(video.get_attribute("data-small-size"))
    phone.screenshot("video-mobile-data", full_page=False)
    plays(video)
    assert any(url.endswith(conversion.small.url) for url in requested)
    assert not any(url.endswith(conversion.large.url) for url in requested)
