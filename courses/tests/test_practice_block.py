"""The guided practice block: what learners get (with and without JavaScript) and what trainers edit."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.blocks import GuidedPracticeBlock, HotspotAreaBlock, LessonStreamBlock
from courses.models import LessonPage, lesson_plain_text
from tests.factories import make_course, make_image, make_lesson, paragraph

pytestmark = pytest.mark.django_db

AREA_ONE = {"shape": "rect", "x": 0.06, "y": 0.42, "w": 0.23, "h": 0.13}
AREA_TWO = {"shape": "rect", "x": 0.03, "y": 0.81, "w": 0.94, "h": 0.1}


def practice_value(image, *, title="练一练：找到访客登记"):
    return {
        "title": title,
        "intro": "在截图上点一下你会点的地方。",
        "steps": [
            {
                "screenshot": {"image": image.pk, "decorative": False, "alt_text": "社区通首页"},
                "instruction": "点击“访客登记”",
                "area": AREA_ONE,
                "hint": "它在常用功能的第一排。",
            },
            {
                "screenshot": {"image": image.pk, "decorative": False, "alt_text": "登记表"},
                "instruction": "点击“提交登记”",
                "area": AREA_TWO,
                "hint": "按钮在最下面。",
            },
        ],
    }


@pytest.fixture
def practice_lesson():
    return make_lesson(
        make_course(), body=[paragraph(), {"type": "practice", "value": practice_value(make_image())}]
    )


def practice_markup(html: str) -> str:
    return re.search(r"<section class=\"practice\".*?</section>", html, re.S).group(0)


def test_practice_is_a_lesson_block_with_icon_description_and_preview():
    block = LessonStreamBlock().child_blocks["practice"]
    assert isinstance(block, GuidedPracticeBlock)
    assert block.meta.icon == "crosshairs" and block.meta.description
    preview = block.get_preview_value()
    assert preview["steps"][0]["area"]["shape"] == "rect"


def test_lesson_page_renders_the_steps_with_their_targets(client, practice_lesson):
    html = client.get(practice_lesson.url).content.decode()
    section = practice_markup(html)
    block_id = practice_lesson.body[1].id
    assert block_id
    assert f'data-lesson="{practice_lesson.pk}"' in section
    assert f'data-block="{block_id}"' in section
    assert f'data-url="{reverse("practice:complete")}"' in section
    steps = re.findall(r"<li class=\"practice__step\"[^>]*>", section)
    assert len(steps) == 2
    assert 'data-x="0.06" data-y="0.42" data-w="0.23" data-h="0.13"' in steps[0]
    assert 'data-hint="它在常用功能的第一排。"' in steps[0]
    assert 'data-x="0.03" data-y="0.81" data-w="0.94" data-h="0.1"' in steps[1]
    # The instruction is text, the feedback is announced, the script comes with the block.
    assert "点击“访客登记”" in section and "点击“提交登记”" in section
    assert 'aria-live="polite"' in section
    assert re.search(r'<script src="[^"]*/js/practice\.js" defer></script>', section)


def test_without_javascript_the_steps_are_a_numbered_list_of_screenshots(client, practice_lesson):
    section = practice_markup(client.get(practice_lesson.url).content.decode())
    steps_list = re.search(r"<ol class=\"practice__steps\">(.*?)</ol>", section, re.S).group(1)
    assert steps_list.count("<li") == 2
    assert steps_list.count("<picture>") == 2 and 'alt="社区通首页"' in steps_list
    # What needs JavaScript is hidden until the script starts; the note about it is not.
    assert re.search(r"<p class=\"practice__nojs\" data-practice-nojs>[^<]+</p>", section)
    assert re.search(r"<button [^>]*data-practice-show hidden>", section)
    assert re.search(r"<p class=\"practice__progress\" data-practice-progress hidden>", section)


def test_two_practice_blocks_get_their_own_ids(client):
    image = make_image()
    lesson = make_lesson(
        make_course(),
        body=[
            {"type": "practice", "value": practice_value(image, title="第一组")},
            {"type": "practice", "value": practice_value(image, title="第二组")},
        ],
    )
    html = client.get(lesson.url).content.decode()
    ids = re.findall(r'data-block="([^"]*)"', html)
    assert ids == [lesson.body[0].id, lesson.body[1].id] and ids[0] != ids[1]


def test_practice_words_are_searchable(practice_lesson):
    text = lesson_plain_text(practice_lesson)
    assert "点击“访客登记”" in text and "练一练" in text


# -- the target area block ---------------------------------------------------------------------------


def test_area_block_takes_the_editors_json_and_keeps_one_box():
    block = HotspotAreaBlock()
    posted = block.value_from_datadict({"area": json.dumps([AREA_ONE])}, {}, "area")
    assert block.clean(posted) == AREA_ONE
    assert json.loads(block.get_form_state(AREA_ONE)) == [AREA_ONE]
    assert json.loads(block.get_form_state(None)) == []


@pytest.mark.parametrize(
    "posted",
    [
        "[]",
        json.dumps([AREA_ONE, AREA_TWO]),
        json.dumps([{"shape": "rect", "x": 0.9, "y": 0.1, "w": 0.5, "h": 0.1}]),
        json.dumps([{"shape": "circle", "x": 0.5, "y": 0.5, "r": 0.1}]),
        json.dumps([{"shape": "rect", "x": "a", "y": 0, "w": 0.1, "h": 0.1}]),
        "not json",
    ],
)
def test_area_block_refuses_anything_but_one_box_inside_the_image(posted):
    block = HotspotAreaBlock()
    with pytest.raises(ValidationError):
        block.clean(block.value_from_datadict({"area": posted}, {}, "area"))


def test_lesson_edit_view_offers_the_block_with_the_hotspot_editor(admin_client, practice_lesson):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[practice_lesson.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "core/hotspot-editor.js" in content
    assert "hotspot-editor" in content and "screenshot-image" in content


def test_trainer_saves_a_practice_block_drawn_in_the_editor(admin_client):
    course = make_course()
    image = make_image()
    data = nested_form_data(
        {
            "title": "引导访客扫码",
            "slug": "guide-practice",
            "summary": "",
            "estimated_minutes": 5,
            "required": "on",
            "body": streamfield([("paragraph", rich_text("<p>先看一遍。</p>"))]),
        }
    )
    # A practice block added after the paragraph, with one step, as the admin posts it.
    data.update(
        {
            "body-count": "2",
            "body-1-type": "practice",
            "body-1-deleted": "",
            "body-1-order": "1",
            "body-1-id": "",
            "body-1-value-title": "练一练",
            "body-1-value-intro": "",
            "body-1-value-steps-count": "1",
        }
    )
    prefix = "body-1-value-steps-0"
    data.update(
        {
            f"{prefix}-deleted": "",
            f"{prefix}-order": "0",
            f"{prefix}-id": "",
            f"{prefix}-value-screenshot-image": str(image.pk),
            f"{prefix}-value-screenshot-decorative": "",
            f"{prefix}-value-screenshot-alt_text": "首页截图",
            f"{prefix}-value-instruction": "点击“访客登记”",
            f"{prefix}-value-area": json.dumps([AREA_ONE]),
            f"{prefix}-value-hint": "在第一排",
        }
    )
    response = admin_client.post(
        reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk)), data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    lesson = LessonPage.objects.get(slug="guide-practice").get_latest_revision_as_object()
    practice = lesson.body[1]
    assert practice.block_type == "practice"
    assert practice.value["steps"][0]["area"] == AREA_ONE
    assert practice.value["steps"][0]["screenshot"].pk == image.pk


def test_a_practice_step_without_a_box_is_refused_on_publish(admin_client):
    course = make_course()
    image = make_image()
    data = nested_form_data(
        {
            "title": "没有框",
            "slug": "no-box",
            "summary": "",
            "estimated_minutes": 5,
            "required": "on",
            "body": streamfield([]),
            "action-publish": "publish",
        }
    )
    prefix = "body-0-value-steps-0"
    data.update(
        {
            "body-count": "1",
            "body-0-type": "practice",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": "",
            "body-0-value-title": "练一练",
            "body-0-value-intro": "",
            "body-0-value-steps-count": "1",
            f"{prefix}-deleted": "",
            f"{prefix}-order": "0",
            f"{prefix}-id": "",
            f"{prefix}-value-screenshot-image": str(image.pk),
            f"{prefix}-value-screenshot-decorative": "",
            f"{prefix}-value-screenshot-alt_text": "首页截图",
            f"{prefix}-value-instruction": "点击“访客登记”",
            f"{prefix}-value-area": "[]",
            f"{prefix}-value-hint": "在第一排",
        }
    )
    response = admin_client.post(
        reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk)), data
    )
    assert response.status_code == 200
    assert not LessonPage.objects.filter(slug="no-box").exists()
