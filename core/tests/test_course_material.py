"""Trainers and reviewers upload their own screenshots and files (core migration 0004): Wagtail checks
``wagtailimages``/``wagtaildocs`` permissions per collection, and the course material collection grants
them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from tests.factories import make_user

pytestmark = pytest.mark.django_db

COURSE_MATERIAL = "课程素材 Course material"


def png(size=(120, 80)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (10, 79, 148)).save(buffer, format="PNG")
    return SimpleUploadedFile("screenshot.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize("group", ["Trainers", "Reviewers"])
def test_trainers_and_reviewers_upload_screenshots_and_files(client, group):
    material = Collection.objects.get(name=COURSE_MATERIAL)
    client.force_login(make_user("author", groups=[group]))
    for name in ("wagtailimages:index", "wagtailimages:add_multiple", "wagtaildocs:index"):
        assert client.get(reverse(name)).status_code == 200, name
    response = client.post(
        reverse("wagtailimages:add"), {"title": "扫码页面", "file": png(), "collection": material.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert get_image_model().objects.get(title="扫码页面").collection == material
    document = SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(
        reverse("wagtaildocs:add"), {"title": "操作手册", "file": document, "collection": material.pk}
    )
    assert response.status_code == 302
    assert get_document_model().objects.get(title="操作手册").collection == material


def test_the_image_chooser_in_the_editor_has_an_upload_tab_for_trainers(client):
    client.force_login(make_user("author", groups=["Trainers"]))
    response = client.get(reverse("wagtailimages_chooser:choose"))
    assert response.status_code == 200
    assert reverse("wagtailimages_chooser:create") in response.json()["html"]


def test_learners_and_managers_upload_nothing(client):
    client.force_login(make_user("learner"))
    assert client.get(reverse("wagtailimages:index")).status_code == 302  # to sign in: no admin at all
    manager = make_user("mgr", groups=["Managers"])
    client.force_login(manager)
    response = client.post(reverse("wagtailimages:add"), {"title": "x", "file": png()})
    assert response.status_code in (302, 403)
    assert not get_image_model().objects.filter(title="x").exists()
