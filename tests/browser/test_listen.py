"""朗读本课 on a phone: the browser's speech (a stand-in that records what it is asked to say) reads the
lesson block by block with the block being read highlighted; pause, resume and speed work; a phone
without a Chinese voice gets a message instead of a button that would say nothing."""

import json

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.factories import make_course, make_lesson, paragraph

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Replaces window.speechSynthesis: records every utterance; `window.fakeSpeech.end()` ends the one being
# spoken (its onend fires asynchronously, as in a browser), cancel() ends it with an "interrupted" error.
FAKE_SPEECH = """
(() => {
  const voices = %s;
  const fake = {
    spoken: [], current: null, listeners: {},
    speaking: false, pending: false, paused: false,
    getVoices: () => voices,
    speak(u) { fake.spoken.push({text: u.text, lang: u.lang, rate: u.rate, voice: u.voice && u.voice.name});
               fake.current = u; fake.speaking = true; },
    finish(kind) {
      const u = fake.current; fake.current = null; fake.speaking = false;
      if (!u) return;
      setTimeout(() => (kind === "end" ? u.onend?.({}) : u.onerror?.({error: "interrupted"})), 10);
    },
    end() { fake.finish("end"); },
    cancel() { fake.finish("error"); },
    pause() { fake.paused = true; }, resume() { fake.paused = false; },
    addEventListener(name, fn) { (fake.listeners[name] ||= []).push(fn); },
    removeEventListener() {},
  };
  class Utterance {
    constructor(text) { this.text = text; this.lang = ""; this.rate = 1; this.voice = null; }
  }
  Object.defineProperty(window, "speechSynthesis", {value: fake, configurable: true});
  Object.defineProperty(window, "SpeechSynthesisUtterance", {value: Utterance, configurable: true});
  window.fakeSpeech = fake;
})();
"""
CHINESE = [{"name": "Chinese (China)", "lang": "zh-CN", "localService": True, "default": False}]
ENGLISH_ONLY = [{"name": "English (US)", "lang": "en-US", "localService": True, "default": True}]


@pytest.fixture
def lesson(transactional_db):
    body = [
        {"type": "heading", "value": {"text": "准备工作", "level": "h2"}},
        paragraph("打开小程序，点击访客登记。"),
        {
            "type": "steps",
            "value": {
                "title": "",
                "steps": [
                    {"instruction": "<p>点击扫码</p>", "screenshot": None, "tip": ""},
                    {"instruction": "<p>填写姓名</p>", "screenshot": None, "tip": "姓名要写全"},
                ],
            },
        },
        {"type": "callout", "value": {"kind": "tip", "title": "", "text": "<p>有问题问站长。</p>"}},
    ]
    return make_lesson(make_course("扫码登记入门"), "访客登记", body=body)


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def spoken(page) -> list[dict]:
    return page.evaluate("window.fakeSpeech.spoken")


def wait_for_spoken(page, count: int) -> None:
    page.wait_for_function("(n) => window.fakeSpeech.spoken.length === n", arg=count)


def test_the_lesson_is_read_block_by_block_with_pause_resume_and_speed(phone, lesson):
    page = phone.page
    page.context.add_init_script(FAKE_SPEECH % json.dumps(CHINESE))
    phone.goto(lesson.url)
    toolbar = page.locator("[data-listen]")
    expect(toolbar).to_be_visible()
    page.get_by_role("button", name=zh("Read this lesson aloud")).click()

    step = zh("Step {n}:")
    expected = [
        "访客登记",
        "准备工作",
        "打开小程序，点击访客登记。",
        f"{step.format(n=1)} 点击扫码",
        f"{step.format(n=2)} 填写姓名 {zh('Tip:')} 姓名要写全",
        zh("Tip"),
        "有问题问站长。",
    ]
    body = page.locator(".lesson")
    highlighted = page.locator(".is-reading")
    expect(highlighted).to_have_text("访客登记")
    for n, text in enumerate(expected):
        expect(highlighted).to_have_count(1)
        assert spoken(page)[-1]["text"] == text
        assert spoken(page)[-1]["lang"] == "zh-CN" and spoken(page)[-1]["voice"] == "Chinese (China)"
        if n == 3:
            expect(body.locator(".step").first).to_have_class("step is-reading")
            reading = zh("Reading {n} of {total}").format(n=4, total=7)
            expect(page.locator("[data-listen-status]")).to_have_text(reading)
            phone.screenshot("1-reading-step", full_page=False)
        if n == 4:
            # Pause: nothing more is said; resume starts the paused block again.
            pause = page.get_by_role("button", name=zh("Pause"))
            pause.click()
            resume = page.get_by_role("button", name=zh("Resume"))
            expect(resume).to_have_attribute("aria-pressed", "true")
            page.wait_for_timeout(200)
            assert len(spoken(page)) == 5
            resume.click()
            expect(page.get_by_role("button", name=zh("Pause"))).to_have_attribute("aria-pressed", "false")
            wait_for_spoken(page, 6)
            assert spoken(page)[-1]["text"] == text
            # Speed: the block being read starts again at the new rate, and so do the next.
            page.get_by_role("button", name="1.25×").click()
            wait_for_spoken(page, 7)
            assert spoken(page)[-1] == {**spoken(page)[-2], "rate": 1.25}
            expect(page.get_by_role("button", name="1.25×")).to_have_attribute("aria-pressed", "true")
        count = len(spoken(page))
        page.evaluate("window.fakeSpeech.end()")
        if n < len(expected) - 1:
            wait_for_spoken(page, count + 1)

    expect(highlighted).to_have_count(0)
    expect(page.locator("[data-listen-status]")).to_have_text(zh("Finished reading."))
    assert [s["text"] for s in spoken(page)][-2:] == expected[-2:]
    assert spoken(page)[-1]["rate"] == 1.25
    expect(page.get_by_role("button", name=zh("Read this lesson aloud"))).to_be_visible()


def test_stop_ends_the_reading(phone, lesson):
    page = phone.page
    page.context.add_init_script(FAKE_SPEECH % json.dumps(CHINESE))
    phone.goto(lesson.url)
    page.get_by_role("button", name=zh("Read this lesson aloud")).click()
    expect(page.locator(".is-reading")).to_have_count(1)
    page.get_by_role("button", name=zh("Stop")).click()
    expect(page.locator(".is-reading")).to_have_count(0)
    page.wait_for_timeout(200)
    assert len(spoken(page)) == 1
    expect(page.get_by_role("button", name=zh("Read this lesson aloud"))).to_be_visible()


def test_a_phone_without_a_chinese_voice_says_so(phone, lesson):
    page = phone.page
    page.context.add_init_script(FAKE_SPEECH % json.dumps(ENGLISH_ONLY))
    phone.goto(lesson.url)
    toolbar = page.locator("[data-listen]")
    no_voice = zh("This phone has no Chinese reading voice.")
    expect(toolbar.locator("[data-listen-status]")).to_have_text(no_voice)
    expect(page.get_by_role("button", name=zh("Read this lesson aloud"))).to_be_hidden()
    phone.screenshot("no-voice", full_page=False)


def test_without_speech_nothing_is_shown(phone, lesson):
    page = phone.page
    page.context.add_init_script("Object.defineProperty(window, 'speechSynthesis', {value: undefined});")
    phone.goto(lesson.url)
    expect(page.locator("h1")).to_have_text("访客登记")
    expect(page.locator("[data-listen]")).to_be_hidden()
