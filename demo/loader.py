"""Builds the demo site from demo.curriculum. Idempotent: pages are found by slug,
images by title, topics by slug; anything that exists is left untouched.

A trainer's edits are never overwritten: an existing page is never changed, and a course that someone has
worked on (a revision or history entry by a person, on the course or a page in it: the loader's own have no
user) gets no missing demo lessons or quizzes added to it either. A course nobody has touched gets the demo
lessons it lacks (a newer demo adds lessons to courses loaded before), placed before its final quiz."""

import io
from dataclasses import dataclass

from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, PageLogEntry, Revision

from core.models import HomePage, SiteSettings
from courses.blocks import EMPTY_IMAGE
from courses.models import CourseIndexPage, CoursePage, LessonPage, Topic
from demo import curriculum, illustrations, quiz_bank
from demo.people import ensure_org_tree, ensure_positions
from quizzes.importing import question_from_data
from quizzes.models import QuestionCategory, QuizPage
from quizzes.questiondata import Answer, Choice, HotspotArea, QuestionData, QuestionKind

DEMO_COLLECTION = "演示素材"
COURSE_MATERIAL_COLLECTION = "课程素材 Course material"


@dataclass
class LoadReport:
    courses_created: int = 0
    courses_existing: int = 0
    lessons_created: int = 0
    images_created: int = 0
    units_created: int = 0
    positions_created: int = 0
    quizzes_created: int = 0
    questions_created: int = 0


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


class _Images:
    """Generates each illustration once and reuses it by title."""

    def __init__(self, report: LoadReport):
        self.report = report
        self.cache: dict[str, object] = {}
        self.collection = self._collection()

    @staticmethod
    def _collection():
        # Inside the course material collection (core migration 0004), where trainers may edit them.
        root = Collection.get_first_root_node()
        parent = root.get_children().filter(name=COURSE_MATERIAL_COLLECTION).first() or root
        existing = parent.get_children().filter(name=DEMO_COLLECTION).first()
        return existing or parent.add_child(name=DEMO_COLLECTION)

    def get(self, key: str):
        if key in self.cache:
            return self.cache[key]
        Image = get_image_model()
        title = f"{illustrations.title_for(key)}（演示）"
        image = Image.objects.filter(title=title, collection=self.collection).first()
        if image is None:
            buffer = io.BytesIO(illustrations.stored_png(key))
            image = Image(title=title, collection=self.collection)
            image.file = ImageFile(buffer, name=f"demo-{key}.png")
            image.save()
            self.report.images_created += 1
        self.cache[key] = image
        return image


def _resolve(value, images: _Images):
    """Replace {"illustration": key, "alt": text} placeholders with ImageBlock values."""
    if isinstance(value, dict):
        if "illustration" in value:
            image = images.get(value["illustration"])
            return {"image": image.pk, "decorative": False, "alt_text": value.get("alt", image.title)}
        return {
            key: EMPTY_IMAGE if key == "screenshot" and item is None else _resolve(item, images)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_resolve(item, images) for item in value]
    return value


@transaction.atomic
def load_curriculum() -> LoadReport:
    report = LoadReport()
    report.units_created = ensure_org_tree()
    report.positions_created = ensure_positions()
    images = _Images(report)
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("No home page: run `manage.py migrate` first.")

    site_settings = SiteSettings.for_site(home.get_site())
    if not site_settings.organisation_name:
        site_settings.organisation_name = curriculum.ORGANISATION
        site_settings.help_contact = curriculum.HELP_CONTACT
        site_settings.save()

    topics = {}
    for spec in curriculum.TOPICS:
        topics[spec["slug"]], _created = Topic.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "description": spec.get("description", "")}
        )

    index = CourseIndexPage.objects.child_of(home).filter(slug="courses").first()
    if index is None:
        index = _publish(
            home, CourseIndexPage(title="全部课程", slug="courses", intro=curriculum.INDEX_INTRO)
        )

    for spec in curriculum.COURSES:
        course = CoursePage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if course is not None:
            report.courses_existing += 1
            if not edited_by_someone(course):
                existing = set(course.get_children().values_list("slug", flat=True))
                for lesson_spec in spec["lessons"]:
                    if lesson_spec["slug"] not in existing:
                        _add_lesson(course, lesson_spec, images)
                        report.lessons_created += 1
            continue
        course = _publish(
            index,
            CoursePage(
                title=spec["title"],
                slug=spec["slug"],
                summary=spec["summary"],
                estimated_minutes=spec["minutes"],
                topic=topics[spec["topic"]],
                cover_image=images.get(spec["cover"]),
                objectives=[("objective", text) for text in spec["objectives"]],
                certificate_valid_months=spec.get("certificate_months"),
            ),
        )
        report.courses_created += 1
        for lesson_spec in spec["lessons"]:
            _add_lesson(course, lesson_spec, images)
            report.lessons_created += 1

    for slug, (title, questions) in quiz_bank.EXERCISES.items():
        course = CoursePage.objects.child_of(index).filter(slug=slug).first()
        if course is None or edited_by_someone(course) or course.get_children().filter(slug=EXERCISE_SLUG):
            continue
        _load_quiz(course, title, questions, images, report, slug=EXERCISE_SLUG, required=False, pass_mark=60)
    for slug, (title, questions) in quiz_bank.QUIZZES.items():
        course = CoursePage.objects.child_of(index).filter(slug=slug).first()
        if course is None or edited_by_someone(course) or course.get_children().filter(slug=QUIZ_SLUG):
            continue
        pass_mark = quiz_bank.PASS_MARKS.get(slug, quiz_bank.PASS_MARK)
        _load_quiz(course, title, questions, images, report, pass_mark=pass_mark)
    return report


QUIZ_SLUG = "quiz"  # a demo course's final quiz
EXERCISE_SLUG = "exercise"  # an optional written exercise, marked by a trainer


def edited_by_someone(course: Page) -> bool:
    """Whether a person has worked on the course or a page in it: saved a revision, or anything else the
    page history records (moves, unpublishing, …). The loader's own revisions and log entries have no user."""
    pages = Page.objects.descendant_of(course, inclusive=True).values("pk")
    return (
        Revision.page_revisions.filter(object_id__in=[str(pk) for pk in pages.values_list("pk", flat=True)])
        .exclude(user=None)
        .exists()
        or PageLogEntry.objects.filter(page__in=pages).exclude(user=None).exists()
    )


def _add_lesson(course: CoursePage, spec: dict, images: "_Images") -> LessonPage:
    lesson = LessonPage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec.get("summary", ""),
        estimated_minutes=spec.get("minutes", 5),
        body=[{"type": block_type, "value": _resolve(value, images)} for block_type, value in spec["body"]],
    )
    closing = course.get_children().filter(slug=QUIZ_SLUG).first()
    if closing is None:
        return _publish(course, lesson)
    closing.add_sibling(pos="left", instance=lesson)
    lesson.save_revision().publish()
    return lesson


def demo_question_data(spec: dict) -> QuestionData:
    """A question of demo.quiz_bank as `QuestionData` (its screenshot, "image", is left out)."""
    spec = {key: value for key, value in spec.items() if key != "image"}
    return QuestionData(
        kind=QuestionKind(spec.pop("kind")),
        choices=tuple(
            Choice(text=c["text"], correct=c.get("correct", False)) for c in spec.pop("choices", ())
        ),
        areas=tuple(HotspotArea(**area) for area in spec.pop("areas", ())),
        accepted_answers=tuple(spec.pop("accepted_answers", ())),
        answers=tuple(Answer(**answer) for answer in spec.pop("answers", ())),
        steps=tuple(spec.pop("steps", ())),
        **spec,
    )


def _load_quiz(
    course: CoursePage,
    title: str,
    questions: list[dict],
    images: _Images,
    report: LoadReport,
    *,
    slug: str = QUIZ_SLUG,
    required: bool = True,
    pass_mark: int = 80,
):
    """A published bank category holding the course's questions, and a quiz page last in the course."""
    category, _created = QuestionCategory.objects.get_or_create(name=f"演示：{course.title}")
    if not required:
        category, _created = QuestionCategory.objects.get_or_create(name=f"演示：{course.title}（写作练习）")
    blocks = []
    for spec in questions:
        image_key = spec.get("image")
        data = demo_question_data(spec)
        question = question_from_data(data, category=category)
        question.title = data.text[:60]
        if image_key:
            question.image = images.get(image_key)
        question.live = False
        question.full_clean()
        question.save()
        question.save_revision().publish()
        report.questions_created += 1
        blocks.append({"type": "question", "value": {"question": question.pk}})
    _publish(
        course,
        QuizPage(
            title=title,
            slug=slug,
            summary=(
                "学完本课程后做一做，看看自己掌握了没有。"
                if required
                else "选做：写下你的做法，培训老师批改后会给你反馈。"
            ),
            estimated_minutes=max(5, len(questions) // 2) if required else 10,
            required=required,
            questions=blocks,
            pass_mark=pass_mark,
            attempts_allowed=0,
            feedback_mode=QuizPage.Feedback.END,
        ),
    )
    report.quizzes_created += 1
