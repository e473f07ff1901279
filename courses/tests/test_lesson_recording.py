"""A trainer's own recording of a lesson: chosen in the lesson editor, checked to be a sound file a phone
plays, and offered to learners as an audio player instead of the browser's reading voice."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.media_files import sound_kind
from courses.models import LessonPage, recording_check
from courses.tests.video_helpers import make_document, make_tone, need_ffmpeg
from tests.factories import make_course, make_lesson, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]  # messages read in English

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize("name", ["reading.mp3", "reading.m4a", "reading.ogg", "reading.wav", "reading.aac"])
def test_sound_files_phones_play_are_accepted(tmp_path, name):
    need_ffmpeg()
    content = make_tone(tmp_path, name=name)
    recording_check(make_document(content, name))


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (PDF, "reading.mp3", "is not a sound file a phone can play"),  # a PDF renamed
        (PDF, "reading.pdf", "Choose a sound file"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "reading.wav", "is not a sound file"),  # a video renamed
    ],
)
def test_other_files_are_refused_with_a_message(content, name, words):
    with pytest.raises(ValidationError) as error:
        recording_check(make_document(content, name))
    assert words in " ".join(error.value.message_dict["recording"])


def test_sound_signatures():
    assert sound_kind(b"ID3\x04\x00") == "mp3"
    assert sound_kind(b"\xff\xfb\x90\x64") == "mp3"
    assert sound_kind(b"\xff\xf1\x50\x80") == "aac"
    assert sound_kind(b"\x00\x00\x00\x20ftypM4A ") == "m4a"
    assert sound_kind(b"OggS\x00\x02") == "ogg"
    assert sound_kind(b"RIFF\x24\x00\x00\x00WAVEfmt ") == "wav"
    assert sound_kind(b"%PDF-1.4") is None


def test_a_lesson_with_a_recording_offers_the_player_instead_of_the_reading_voice(client, tmp_path):
    need_ffmpeg()
    recording = make_document(make_tone(tmp_path), "reading.mp3", title="朗读录音")
    lesson = make_lesson(make_course(), recording=recording)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(lesson.url).content.decode()
    assert (
        f'<audio class="listen__audio" controls preload="none" src="{recording.url}" data-recording>' in html
    )
    assert "Listen to the trainer read this lesson" in html
    assert "data-listen" not in html.replace("data-listen-", "") and "js/listen." not in html
    # Served like other documents, to anyone who may see the lesson.
    assert client.get(recording.url).status_code == 200


def test_a_lesson_without_a_recording_keeps_the_reading_voice(client):
    html = client.get(make_lesson(make_course()).url).content.decode()
    assert '<div class="listen" data-listen hidden' in html and "<audio" not in html


def edit_data(lesson, **fields):
    data = nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "summary": "",
            "estimated_minutes": 5,
            "body": streamfield([("paragraph", rich_text("<p>打开小程序。</p>"))]),
            **fields,
        }
    )
    data["required"] = "on"
    return data


def test_a_trainer_attaches_a_recording_in_the_lesson_editor(client, tmp_path):
    need_ffmpeg()
    lesson = make_lesson(make_course())
    recording = make_document(make_tone(tmp_path), "reading.mp3", title="朗读录音")
    client.force_login(make_user("trainer", groups=["Trainers"]))
    url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    form = client.get(url).content.decode()
    assert 'name="recording"' in form  # the document chooser

    response = client.post(url, edit_data(lesson, recording=recording.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object().recording == recording


def test_the_lesson_editor_refuses_a_file_that_is_not_a_recording(client):
    lesson = make_lesson(make_course())
    fake = make_document(PDF, "reading.mp3", title="假录音")
    client.force_login(make_user("trainer", groups=["Trainers"]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    response = client.post(url, edit_data(lesson, recording=fake.pk))
    assert response.status_code == 200
    assert "is not a sound file a phone can play" in response.content.decode()
    assert LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object().recording is None
