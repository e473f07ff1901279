"""Small factories for tests: real pages in a real tree, published through revisions."""

import io
import itertools

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection

from core.models import HomePage
from courses.models import CourseIndexPage, CoursePage, LessonPage, Topic

_counter = itertools.count(1)


def home_page() -> HomePage:
    return HomePage.objects.get(depth=2)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_image(title: str = "截图", size=(360, 640), colour=(10, 79, 148)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    # Where trainers' screenshots live (core migration 0004): trainers may choose them.
    material = Collection.objects.filter(name="课程素材 Course material").first()
    image = get_image_model()(title=title, **({"collection": material} if material else {}))
    image.file = ImageFile(buffer, name=f"test-{next(_counter)}.png")
    image.save()
    return image


def make_topic(name: str = "扫码登记", slug: str | None = None) -> Topic:
    return Topic.objects.get_or_create(slug=slug or f"topic-{next(_counter)}", defaults={"name": name})[0]


def make_course_index() -> CourseIndexPage:
    existing = CourseIndexPage.objects.filter(slug="courses").first()
    return existing or publish(home_page(), CourseIndexPage(title="全部课程", slug="courses"))


def make_course(title: str = "扫码登记入门", *, index=None, live: bool = True, **fields) -> CoursePage:
    n = next(_counter)
    course = CoursePage(
        title=title,
        slug=fields.pop("slug", f"course-{n}"),
        summary=fields.pop("summary", "教你用小程序完成访客扫码登记。"),
        estimated_minutes=fields.pop("estimated_minutes", 20),
        **fields,
    )
    index = index or make_course_index()
    if live:
        return publish(index, course)
    course.live = False
    index.add_child(instance=course)
    course.save_revision()
    return course


def paragraph(text: str = "打开小程序，点击访客登记。"):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def image_block(image, caption="登记页面"):
    return {
        "type": "image",
        "value": {"image": {"image": image.pk, "decorative": False, "alt_text": "截图"}, "caption": caption},
    }


def steps_block(images):
    return {
        "type": "steps",
        "value": {
            "title": "操作步骤",
            "steps": [
                {
                    "instruction": f"<p>第 {i + 1} 步</p>",
                    "screenshot": {"image": image.pk, "decorative": False, "alt_text": "步骤截图"},
                    "tip": "提示" if i % 2 else "",
                }
                for i, image in enumerate(images)
            ],
        },
    }


def make_lesson(course: CoursePage, title: str = "第一课", *, body=None, live: bool = True, **fields):
    n = next(_counter)
    lesson = LessonPage(
        title=title,
        slug=fields.pop("slug", f"lesson-{n}"),
        summary=fields.pop("summary", ""),
        body=body if body is not None else [paragraph()],
        **fields,
    )
    if live:
        return publish(course, lesson)
    lesson.live = False
    course.add_child(instance=lesson)
    lesson.save_revision()
    return lesson


def make_user(username: str | None = None, *, password: str = "a-Strong-pass-2026", groups=(), **fields):
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username=username or f"user{next(_counter)}", password=password, **fields
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def make_org_tree():
    """重庆市 > 渝中区 > {解放碑街道 > {A社区, B社区}, 七星岗街道 > C社区}; returns a dict by name."""
    from accounts.models import OrgUnit

    city = OrgUnit.add_root(name="重庆市", level="city")
    district = city.add_child(name="渝中区", level="district")
    jfb = district.add_child(name="解放碑街道", level="street")
    qxg = district.add_child(name="七星岗街道", level="street")
    units = {"重庆市": city, "渝中区": district, "解放碑街道": jfb, "七星岗街道": qxg}
    for parent, name in ((jfb, "A社区"), (jfb, "B社区"), (qxg, "C社区")):
        parent.refresh_from_db()
        units[name] = parent.add_child(name=name, level="community")
    return {name: OrgUnit.objects.get(pk=unit.pk) for name, unit in units.items()}


def make_position(name: str = "网格员"):
    from accounts.models import Position

    return Position.objects.get_or_create(name=name)[0]


def make_question(text="访客扫码后看到什么？", *, kind="single", category=None, live=True, **fields):
    """A published question of the bank. Choice questions default to three options, B correct."""
    from quizzes.models import Question

    defaults = {
        "single": {"choices": [option("登记成功页面", True), option("健康码"), option("付款码")]},
        "multiple": {"choices": [option("姓名", True), option("电话", True), option("银行卡号")]},
        "true_false": {"true_answer": True},
        "fill_blank": {
            "answers": [{"type": "answer", "value": {"text": "二维码", "weight": 100, "feedback": ""}}]
        },
        "ordering": {"steps": [{"type": "step", "value": s} for s in ("打开小程序", "点击登记", "填写信息")]},
        "hotspot": {"areas": [{"shape": "rect", "x": 0.1, "y": 0.1, "w": 0.3, "h": 0.2}]},
        "essay": {"marking_guide": "说明扫码的好处，耐心解释，提供纸质登记。"},
    }[kind]
    defaults.update(fields)
    if kind == "hotspot" and "image" not in defaults:
        defaults["image"] = make_image(size=(400, 800))
    question = Question(kind=kind, text=text, category=category, explanation="因为这样做最安全。", **defaults)
    question.live = live
    question.full_clean()
    question.save()
    revision = question.save_revision()
    if live:
        revision.publish()
    question.refresh_from_db()
    return question


def option(text, correct=False, weight=None, feedback=""):
    return {
        "type": "option",
        "value": {"text": text, "correct": correct, "weight": weight, "feedback": feedback},
    }


def make_quiz(course, questions, title="结业测验", **fields):
    from quizzes.models import QuizPage

    quiz = QuizPage(
        title=title,
        slug=fields.pop("slug", f"quiz-{next(_counter)}"),
        questions=[{"type": "question", "value": {"question": q.pk}} for q in questions],
        **fields,
    )
    return publish(course, quiz)
