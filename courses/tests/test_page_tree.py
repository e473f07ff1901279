"""Tree rules and creating each page type through the Wagtail admin."""

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from core.models import HomePage
from courses.models import CourseIndexPage, CoursePage, LessonPage
from tests.factories import home_page, make_course, make_course_index, make_lesson, make_topic


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_page_is_the_only_one_and_sits_under_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {CourseIndexPage})
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))  # max_count=1, one exists

    def test_course_index_lives_under_home_and_holds_courses(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})

    def test_course_holds_lessons_and_quizzes_only(self):
        from quizzes.models import QuizPage

        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        from django.apps import apps

        # SCORM packages are lessons too (scorm.ScormPage), looked up by name: content never imports scorm.
        self.assertAllowedSubpageTypes(
            CoursePage, {LessonPage, QuizPage, apps.get_model("scorm", "ScormPage")}
        )
        self.assertAllowedParentPageTypes(QuizPage, {CoursePage})
        self.assertAllowedSubpageTypes(QuizPage, set())

    def test_lesson_is_a_leaf_under_a_course(self):
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertCanNotCreateAt(HomePage, LessonPage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)


class CreateThroughAdminTests(WagtailPageTestCase):
    def setUp(self):
        self.login()

    def test_create_course_index(self):
        self.assertCanCreate(home_page(), CourseIndexPage, nested_form_data({"title": "课程", "slug": "kc"}))

    def test_create_course(self):
        index = make_course_index()
        topic = make_topic()
        data = nested_form_data(
            {
                "title": "体温记录",
                "slug": "temperature",
                "summary": "学会在小程序里记录体温。",
                "estimated_minutes": 25,
                "topic": topic.pk,
                "objectives": streamfield([("objective", "正确测量体温"), ("objective", "在小程序中登记")]),
            }
        )
        self.assertCanCreate(index, CoursePage, data)
        course = CoursePage.objects.get(slug="temperature")
        self.assertEqual([block.value for block in course.objectives], ["正确测量体温", "在小程序中登记"])

    def test_create_lesson_with_blocks(self):
        course = make_course()
        data = nested_form_data(
            {
                "title": "打开小程序",
                "slug": "open",
                "summary": "第一步",
                "estimated_minutes": 5,
                "body": streamfield(
                    [
                        ("paragraph", rich_text("<p>先打开微信。</p>")),
                        ("heading", {"text": "准备", "level": "h2"}),
                        (
                            "callout",
                            {"kind": "warning", "title": "注意", "text": rich_text("<p>别截图身份证。</p>")},
                        ),
                    ]
                ),
            }
        )
        self.assertCanCreate(course, LessonPage, data)
        lesson = LessonPage.objects.get(slug="open")
        self.assertIn("先打开微信", lesson.search_text)
        self.assertIn("别截图身份证", lesson.search_text)


@pytest.mark.django_db
def test_lesson_search_text_follows_edits():
    lesson = make_lesson(make_course(), body=[{"type": "paragraph", "value": "<p>旧内容</p>"}])
    lesson.body = [{"type": "paragraph", "value": "<p>新的说明</p>"}]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    assert "新的说明" in lesson.search_text
    assert "旧内容" not in lesson.search_text


@pytest.mark.django_db
def test_course_and_lesson_preview_on_a_phone_first():
    assert CoursePage().default_preview_size == "mobile"
    assert LessonPage().default_preview_size == "mobile"
