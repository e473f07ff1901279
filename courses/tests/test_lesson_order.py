"""A lesson a trainer adds to a course that ends with its quiz goes before the quiz (issue 14), and the
trainer is told where it went and how to reorder, in Chinese."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import CourseItemPage, CoursePage, LessonPage
from tests.factories import make_course, make_lesson, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db


def titles(course):
    return list(CourseItemPage.objects.child_of(course).order_by("path").values_list("title", flat=True))


def add_lesson(client, course, title):
    url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))
    data = nested_form_data(
        {
            "title": title,
            "slug": f"lesson-{abs(hash(title)) % 10**6}",
            "summary": "",
            "estimated_minutes": 5,
            "required": "on",
            "body": streamfield([("paragraph", rich_text("<p>打开小程序。</p>"))]),
        }
    )
    return client.post(url, data, follow=True)


def test_a_new_lesson_goes_before_the_final_quiz_and_the_trainer_is_told(client):
    course = make_course("扫码登记入门")
    for n in range(5):
        make_lesson(course, f"第 {n + 1} 课")
    make_quiz(course, [make_question()], title="结业测验")
    client.force_login(make_user("trainer", groups=["Trainers"]))

    response = add_lesson(client, course, "第 6 课")
    assert response.status_code == 200
    assert titles(course) == [*(f"第 {n} 课" for n in range(1, 7)), "结业测验"]
    messages = [str(m) for m in response.context["messages"]]
    assert any("第 6 课" in m and "结业测验" in m for m in messages), messages

    # The learner's "n of m" and previous/next follow the new order.
    new = LessonPage.objects.get(title="第 6 课")
    new.save_revision().publish()
    html = client.get(new.url).content.decode()
    assert "第 6 课，共 7 课" in html


def test_a_course_without_a_final_quiz_keeps_adding_at_the_end(client):
    course = make_course("体温记录")
    make_quiz(course, [make_question()], title="中途测验")
    make_lesson(course, "第一课")
    client.force_login(make_user("trainer", groups=["Trainers"]))
    add_lesson(client, course, "第二课")
    assert titles(course) == ["中途测验", "第一课", "第二课"]


def test_the_course_editor_explains_the_order_of_lessons(client):
    course = make_course("说明")
    client.force_login(make_user("trainer", groups=["Trainers"]))
    html = client.get(reverse("wagtailadmin_pages:edit", args=(course.pk,))).content.decode()
    assert "Sort menu order" in html or "排序菜单顺序" in html


def test_place_before_closing_items_moves_only_a_later_lesson():
    course = make_course("直接调用")
    first = make_lesson(course, "第一课")
    quiz = make_quiz(course, [make_question()], title="测验")
    assert course.place_before_closing_items(quiz) is None  # a quiz is not moved
    assert course.place_before_closing_items(first) is None  # already before it
    later = make_lesson(course, "第二课")
    assert course.place_before_closing_items(later).pk == quiz.pk
    assert titles(CoursePage.objects.get(pk=course.pk)) == ["第一课", "第二课", "测验"]
