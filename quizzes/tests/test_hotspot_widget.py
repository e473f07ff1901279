"""The hotspot editor widget, its image-preview endpoint, and tap-the-spot questions made in the admin."""

import html
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from quizzes.models import Question
from quizzes.widgets import HotspotAreasWidget
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db

AREAS = [
    {"shape": "rect", "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.15},
    {"shape": "circle", "x": 0.5, "y": 0.5, "r": 0.1},
]
ADD_URL_NAME = "wagtailsnippets_quizzes_question:add"
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def hidden_input(markup: str) -> dict:
    tag = re.search(r"<input [^>]*type=\"hidden\"[^>]*>", markup).group(0)
    return {name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def preview_url(image_id) -> str:
    return reverse("quizzes_hotspot_image_preview", args=[image_id])


# -- the widget -------------------------------------------------------------------------------------


def test_widget_renders_hidden_json_input_inside_the_editor_container():
    markup = HotspotAreasWidget().render("areas", AREAS, attrs={"id": "id_areas"})
    assert 'data-controller="hotspot-editor"' in markup
    attrs = hidden_input(markup)
    assert attrs["name"] == "areas" and attrs["id"] == "id_areas"
    assert attrs["data-hotspot-editor-target"] == "input"
    assert json.loads(attrs["value"]) == AREAS
    assert 'data-hotspot-editor-image-field-value="image"' in markup
    assert f'data-hotspot-editor-preview-url-value="{preview_url(0)[:-2]}"' in markup
    assert "Choose the screenshot above first" in markup or "请先" in markup


def test_widget_without_value_submits_an_empty_list_not_null():
    attrs = hidden_input(HotspotAreasWidget().render("areas", None, attrs={"id": "id_areas"}))
    assert attrs["value"] == "[]"


def test_widget_value_round_trips_through_the_model_form_field():
    field = Question._meta.get_field("areas").formfield(widget=HotspotAreasWidget)
    posted = {"areas": field.widget.format_value(field.prepare_value(AREAS))}
    raw = field.widget.value_from_datadict(posted, {}, "areas")
    assert field.clean(raw) == AREAS
    assert field.widget.value_omitted_from_data({}, {}, "areas")
    assert not field.widget.value_omitted_from_data(posted, {}, "areas")


def test_widget_media_brings_the_editor_script_and_styles():
    media = HotspotAreasWidget().media
    assert any("quizzes/hotspot-editor.js" in path for path in media._js)
    assert any("quizzes/hotspot-editor.css" in path for paths in media._css.values() for path in paths)


# -- the image-preview endpoint ---------------------------------------------------------------------


def test_preview_returns_an_editor_sized_rendition_for_a_trainer(client):
    image = make_image(size=(1080, 1920))
    client.force_login(make_user(groups=["Trainers"]))
    response = client.get(preview_url(image.pk), **XHR)
    assert response.status_code == 200
    data = response.json()
    assert data["url"].startswith("/media/") and "max-800x800" in data["url"]
    assert (data["width"], data["height"]) == (450, 800)


def test_preview_refuses_an_admin_user_who_may_not_choose_images(client):
    image = make_image()
    user = make_user()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    for headers in ({}, XHR):
        response = client.get(preview_url(image.pk), **headers)
        assert response.status_code == 403
        assert "url" not in response.json()


def test_preview_refuses_learners_and_visitors(client):
    image = make_image()
    assert client.get(preview_url(image.pk), **XHR).status_code == 403
    client.force_login(make_user())
    assert client.get(preview_url(image.pk), **XHR).status_code == 403


def test_preview_of_an_unknown_image_is_404(admin_client):
    response = admin_client.get(preview_url(999_999), **XHR)
    assert response.status_code == 404
    assert response.json()["error"]


def test_preview_is_get_only(admin_client):
    assert admin_client.post(preview_url(make_image().pk), **XHR).status_code == 405


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
            "accepted_answers": streamfield([]),
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
    assert "quizzes/hotspot-editor.js" in content and "quizzes/hotspot-editor.css" in content
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
