"""A trainer adds a SCORM lesson in the Wagtail admin: a good package is unpacked and published, a bad one
is refused on the form with its reason, and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scorm.models import ScormPackage, ScormPage
from scorm.tests.packages import package_upload, zip_bytes
from tests.factories import make_course, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]  # messages read in English


def form(upload, title="扫码登记练习"):
    return {
        "title": title,
        "slug": "scan-practice",
        "summary": "",
        "estimated_minutes": "5",
        "required": "on",
        "package_file": upload,
        "action-publish": "publish",
    }


@pytest.fixture
def admin_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_user("admin", is_superuser=True, is_staff=True))
    return client


def test_a_package_becomes_a_published_lesson(admin_client, tmp_path):
    course = make_course("扫码登记", slug="scan")
    response = admin_client.post(
        f"/admin/pages/add/scorm/scormpage/{course.pk}/", form(package_upload("2004"))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ScormPage.objects.get(slug="scan-practice")
    assert page.live and page.package.version == "2004" and page.package.scaled_passing_score == 0.6
    assert (tmp_path / "scorm" / page.package.key / "content" / "index.html").is_file()


def test_a_bad_package_is_refused_on_the_form_and_nothing_is_stored(admin_client, tmp_path):
    course = make_course("扫码登记", slug="scan")
    bad = SimpleUploadedFile(
        "evil.zip", zip_bytes({"../../evil.html": "x", "imsmanifest.xml": "<manifest/>"})
    )
    response = admin_client.post(f"/admin/pages/add/scorm/scormpage/{course.pk}/", form(bad))
    assert response.status_code == 200
    assert "outside the package" in response.content.decode()
    assert not ScormPage.objects.exists() and not ScormPackage.objects.exists()
    assert not (tmp_path / "scorm").exists()


def test_a_new_lesson_needs_a_package(admin_client):
    course = make_course("扫码登记", slug="scan")
    data = form(None)
    del data["package_file"]
    response = admin_client.post(f"/admin/pages/add/scorm/scormpage/{course.pk}/", data)
    assert response.status_code == 200 and not ScormPage.objects.exists()
