"""Tap-the-spot questions made in the question bank's admin with the hotspot editor
(the widget itself and its preview endpoint: core/tests/test_hotspot_editor.py)."""

import html
import json
import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from core.hotspot_editor import HotspotAreasWidget
from quizzes.models import Question
from tests.factories import make_image

pytestmark = pytest.mark.django_db

AREAS = [
    {"shape": "rect", "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.15},
    {"shape": "circle", "x": 0.5, "y": 0.5, "r": 0.1},
]
ADD_URL_NAME = "wagtailsnippets_quizzes_question:add"


def hidden_input(markup: str) -> dict:
    tag = re.search(r"<input [^>]*type=\"hidden\"[^>]*>", markup).group(0)
    return {name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def test_widget_value_round_trips_through_the_model_form_field():
    field = Question._meta.get_field("areas").formfield(widget=HotspotAreasWidget)
    posted = {"areas": field.widget.format_value(field.prepare_value(AREAS))}
    raw = field.widget.value_from_datadict(posted, {}, "areas")
    assert field.clean(raw) == AREAS
    assert field.widget.value_omitted_from_data({}, {}, "areas")
    assert not field.widget.value_omitted_from_data(posted, {}, "areas")


# -- making a tap-the-spot question in the question bank --------------------------------------------


def question_form(image, areas_json: str) -> dict:
    return nested_form_data(
        {
            "kind": "hotspot",
            "category": "",
            "title": "找到访客登记",
            "tags": "",
            "text": "在截图上点出“访客登记”的入口。",
            "image": image.pk,
            "choices": streamfield([]),
            "true_answer": "",
            "answers": streamfield([]),
            "numeric_answers": streamfield([]),
            "marking_guide": "",
            "steps": streamfield([]),
            "areas": areas_json,
            "explanation": "访客登记在常用功能的第一个。",
            "action-publish": "publish",
        }
    )


def test_add_view_shows_the_hotspot_editor(admin_client):
    response = admin_client.get(reverse(ADD_URL_NAME))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-controller="hotspot-editor"' in content
    assert "core/hotspot-editor.js" in content and "core/hotspot-editor.css" in content
    assert 'id="id_image"' in content and 'id="id_areas"' in content


def test_hotspot_question_created_through_the_snippet_admin(admin_client):
    image = make_image()
    areas = [{"shape": "rect", "x": 0.05, "y": 0.4, "w": 0.25, "h": 0.15}]
    response = admin_client.post(reverse(ADD_URL_NAME), question_form(image, json.dumps(areas)))
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(title="找到访客登记")
    assert question.image_id == image.pk and question.areas == areas and question.live
    assert question.to_data().validate() == []


@pytest.mark.parametrize(
    "areas_json",
    [
        "[{'shape': 'rect'",  # not JSON at all
        '[{"shape": "rect", "x": 0.9, "y": 0.1, "w": 0.5, "h": 0.1}]',  # spills off the image
        '[{"shape": "rect", "x": 0.1, "y": 0.1, "w": 0.1, "h": 0.1, "colour": "red"}]',  # unknown key
        '{"shape": "rect"}',  # not a list
        "[]",  # no area at all
    ],
)
def test_bad_areas_give_a_form_error_not_a_500(admin_client, areas_json):
    response = admin_client.post(reverse(ADD_URL_NAME), question_form(make_image(), areas_json))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Question.objects.exists()
    # The trainer's text comes back in the hidden input, to be fixed rather than lost.
    assert hidden_input(response.content.decode().split('data-controller="hotspot-editor"', 1)[1])["value"]
