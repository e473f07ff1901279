"""The starter curriculum: big enough to run a programme, every question kind, feedback everywhere, lessons
of 5–10 minutes, pictures with Chinese alt text and practice areas on the right spot; loaded, every page and
job aid renders, every quiz can be passed, and a trainer's edits survive a second load."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.images import get_image_model

from core.pdf_text import register_fonts
from courses.models import CoursePage, LessonPage
from demo import curriculum, illustrations, quiz_bank
from demo.loader import QUIZ_SLUG, demo_question_data
from demo.training import demo_answer
from quizzes.grading import grade
from quizzes.models import QuizPage
from quizzes.questiondata import QuestionKind

CJK = re.compile(r"[\u4e00-\u9fff]")
READING_CHARS_PER_MINUTE = 250  # a slow reader of Chinese on a phone
ALL_QUESTIONS = [
    q for _title, questions in [*quiz_bank.QUIZZES.values(), *quiz_bank.EXERCISES.values()] for q in questions
]


def _pictures(value):
    """Every {"illustration": key, "alt": text} placeholder in lesson data, with practice areas."""
    if isinstance(value, dict):
        if "illustration" in value:
            yield value
        for item in value.values():
            yield from _pictures(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _pictures(item)


def _practice_steps():
    for course in curriculum.COURSES:
        for lesson in course["lessons"]:
            for block_type, value in lesson["body"]:
                if block_type == "practice":
                    for step in value["steps"]:
                        yield course["slug"], step["screenshot"]["illustration"], step["area"]


def _plain(value) -> str:
    return re.sub(r"<[^>]+>", "", json.dumps(value, ensure_ascii=False))


def test_a_complete_programme():
    assert len(curriculum.COURSES) >= 9
    assert sum(len(course["lessons"]) for course in curriculum.COURSES) >= 45
    assert sum(len(questions) for _title, questions in quiz_bank.QUIZZES.values()) >= 150
    slugs = {course["slug"] for course in curriculum.COURSES}
    assert {"volunteer-onboarding", "for-training-managers", "phone-basics"} <= slugs
    assert set(quiz_bank.QUIZZES) == slugs  # a final quiz in every course
    assert {kind.value for kind in QuestionKind} == {question["kind"] for question in ALL_QUESTIONS}
    # Recurring where the rules change: data protection yearly.
    privacy = next(course for course in curriculum.COURSES if course["slug"] == "resident-privacy")
    assert privacy["certificate_months"] == 12


def test_every_tool_course_has_a_guided_practice():
    practised = {slug for slug, _key, _area in _practice_steps()}
    assert set(curriculum.TOOL_COURSE_SLUGS) <= practised


def test_no_lesson_over_ten_minutes():
    for course in curriculum.COURSES:
        for lesson in course["lessons"]:
            assert 5 <= lesson["minutes"] <= 10, lesson["slug"]
            reading = len(CJK.findall(_plain(lesson["body"]))) / READING_CHARS_PER_MINUTE
            assert reading <= lesson["minutes"], (lesson["slug"], reading)
        assert course["minutes"] == sum(lesson["minutes"] for lesson in course["lessons"])


def test_no_question_without_feedback():
    for question in ALL_QUESTIONS:
        assert CJK.search(question.get("explanation", "")), question["text"]
        assert not demo_question_data(question).validate(), question["text"]
        if question["kind"] == "essay":
            assert question["marking_guide"]


@pytest.mark.parametrize("slug", list(quiz_bank.QUIZZES))
def test_every_quiz_can_be_passed_by_answering_correctly(slug):
    _title, questions = quiz_bank.QUIZZES[slug]
    assert all(question["kind"] != "essay" for question in questions)  # no hand marking in a final quiz
    scores = [grade(data, demo_answer(data, right=True)).score for data in map(demo_question_data, questions)]
    assert sum(scores) / len(scores) * 100 >= quiz_bank.PASS_MARKS.get(slug, quiz_bank.PASS_MARK)


def test_every_picture_has_chinese_alt_text_and_exists():
    pictures = list(_pictures([course["lessons"] for course in curriculum.COURSES]))
    assert pictures
    for picture in pictures:
        assert CJK.search(picture["alt"]), picture
        illustrations.title_for(picture["illustration"])  # a known key
    for question in ALL_QUESTIONS:
        if "image" in question:
            illustrations.title_for(question["image"])


def _tap_box(key: str) -> tuple[float, float, float, float]:
    boxes = []
    original = illustrations.Canvas.tap

    def record(canvas, box, *args, **kwargs):
        boxes.append(
            (box[0] / canvas.width, box[1] / canvas.height, box[2] / canvas.width, box[3] / canvas.height)
        )

    illustrations.Canvas.tap = record
    try:
        illustrations.draw(key.removesuffix(illustrations.PLAIN))
    finally:
        illustrations.Canvas.tap = original
    return boxes[-1]


def test_practice_and_hotspot_areas_are_on_what_the_screen_shows():
    """The area the learner must tap holds the centre of the element the picture's "tap here" ring marks."""
    targets = [(key, area) for _slug, key, area in _practice_steps()]
    targets += [(q["image"], q["areas"][0]) for q in ALL_QUESTIONS if q["kind"] == "hotspot"]
    for key, area in targets:
        x0, y0, x1, y1 = _tap_box(key)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        assert area["x"] <= cx <= area["x"] + area["w"] and area["y"] <= cy <= area["y"] + area["h"], key


def test_the_screens_words_are_in_the_shipped_font():
    glyphs = register_fonts()
    words = json.dumps(
        [illustrations.SCREEN_TITLES, illustrations.TILE_LABELS, curriculum.COURSES, ALL_QUESTIONS],
        ensure_ascii=False,
    )
    assert not {ch for ch in words if ord(ch) not in glyphs}


def test_every_word_drawn_on_a_picture_is_in_the_shipped_font(monkeypatch):
    """Not only the titles: every label and sample value on every screen renders, none as a blank box."""
    glyphs = register_fonts()
    drawn = []
    original = illustrations.Canvas.text

    def record(canvas, x, y, text, *args, **kwargs):
        drawn.append(text)
        return original(canvas, x, y, text, *args, **kwargs)

    monkeypatch.setattr(illustrations.Canvas, "text", record)
    for key in illustrations.KEYS:
        before = len(drawn)
        illustrations.draw(key)
        if key.startswith("phone-"):
            assert len(drawn) - before >= 6, key  # the body carries words, not grey bars
    missing = {ch for ch in "".join(drawn) if ord(ch) not in glyphs and not ch.isspace()}
    assert not missing


def test_screens_show_only_masked_personal_data():
    """Sample phone and ID numbers on the pictures are masked, never a real-looking full number."""
    drawn = []
    original = illustrations.Canvas.text

    def record(canvas, x, y, text, *args, **kwargs):
        drawn.append(text)
        return original(canvas, x, y, text, *args, **kwargs)

    illustrations.Canvas.text = record
    try:
        for key in illustrations.KEYS:
            illustrations.draw(key)
    finally:
        illustrations.Canvas.text = original
    words = " ".join(drawn)
    assert "138****0000" in words
    assert not re.search(r"\d{7,}", words)  # no run of 7 or more unmasked digits


def _counts():
    return (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        QuizPage.objects.count(),
        get_image_model().objects.count(),
    )


@pytest.mark.django_db
def test_loaded_every_page_and_job_aid_renders_and_a_trainers_edits_survive(client):
    call_command("load_demo")
    lessons = sum(len(course["lessons"]) for course in curriculum.COURSES)
    questions = sum(len(q) for _t, q in [*quiz_bank.QUIZZES.values(), *quiz_bank.EXERCISES.values()])
    assert _counts()[:3] == (
        len(curriculum.COURSES),
        lessons,
        len(quiz_bank.QUIZZES) + len(quiz_bank.EXERCISES),
    )
    assert sum(len(quiz.questions) for quiz in QuizPage.objects.all()) == questions
    for quiz in QuizPage.objects.filter(slug=QUIZ_SLUG):
        assert quiz.get_parent().get_children().last().pk == quiz.pk  # last in its course
        assert quiz.required and quiz.pass_mark >= 80
    assert CoursePage.objects.get(slug="resident-privacy").certificate_valid_months == 12

    for page in [*CoursePage.objects.live(), *LessonPage.objects.live(), *QuizPage.objects.live()]:
        assert client.get(page.url).status_code == 200, page.url
    for lesson in LessonPage.objects.live():
        for size in ("a4", "a5"):
            response = client.get(f"{lesson.url}job-aid/{size}/")
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf", lesson.url
            assert len(response.content) <= 300 * 1024 and re.search(rb"/Count 1\b", response.content)
        for block in lesson.body:
            for image_value in _stored_images(block.block_type, block.value):
                assert CJK.search(image_value.contextual_alt_text or ""), (lesson.url, block.block_type)

    # A trainer edits a lesson and deletes another in the same course; a lesson of an untouched course is
    # deleted too. Loading again keeps the edit, does not bring back what the trainer deleted, and puts
    # back only what went missing from a course nobody edited.
    first = _counts()
    trainer = get_user_model().objects.create_user("trainer-edits", password="x")
    edited = LessonPage.objects.get(slug="guide-visitors")
    edited.title = "引导访客扫码登记（本社区版）"
    edited.save_revision(user=trainer).publish()
    LessonPage.objects.get(slug="proxy-registration").delete()
    LessonPage.objects.get(slug="voice-input").delete()
    call_command("load_demo")
    assert LessonPage.objects.get(slug="guide-visitors").title == "引导访客扫码登记（本社区版）"
    assert not LessonPage.objects.filter(slug="proxy-registration").exists()
    restored = LessonPage.objects.get(slug="voice-input")
    assert restored.get_next_siblings().filter(slug=QUIZ_SLUG).exists()  # back before the final quiz
    assert _counts() == (first[0], first[1] - 1, *first[2:])
    call_command("load_demo")
    assert _counts() == (first[0], first[1] - 1, *first[2:])


def _stored_images(block_type, value):
    if block_type == "image":
        yield value["image"]
    elif block_type == "steps":
        yield from (step["screenshot"] for step in value["steps"] if step["screenshot"])
    elif block_type == "practice":
        yield from (step["screenshot"] for step in value["steps"])
