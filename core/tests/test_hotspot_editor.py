"""The hotspot editor widget and the image-preview endpoint it loads screenshots from."""

import html
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.hotspot_editor import PREVIEW_URL_NAME, HotspotAreasWidget
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db

AREAS = [
    {"shape": "rect", "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.15},
    {"shape": "circle", "x": 0.5, "y": 0.5, "r": 0.1},
]
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def hidden_input(markup: str) -> dict:
    tag = re.search(r"<input [^>]*type=\"hidden\"[^>]*>", markup).group(0)
    return {name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def preview_url(image_id) -> str:
    return reverse(PREVIEW_URL_NAME, args=[image_id])


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


def test_widget_media_brings_the_editor_script_and_styles():
    media = HotspotAreasWidget().media
    assert any("core/hotspot-editor.js" in path for path in media._js)
    assert any("core/hotspot-editor.css" in path for paths in media._css.values() for path in paths)


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
