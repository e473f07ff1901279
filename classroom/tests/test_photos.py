"""Evidence photos of a session: checked by type and first bytes, stored under a path that cannot be
guessed, served only to those who may run the session, and printed after the attendance sheet."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from classroom import services
from classroom.models import SessionPhoto
from classroom.tests.conftest import plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def picture(kind="JPEG", name="sheet.jpg", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_trainer_adds_photos_seen_only_through_the_session(client, place, in_english):
    session = plan(place)
    client.force_login(place["trainer"])
    url = reverse("classroom_sessions:photos", args=[session.pk])
    for upload in (picture(), picture("PNG", "room.png"), picture("WEBP", "room.webp")):
        assert client.post(url, {"photo": upload}).status_code == 302
    photos = list(SessionPhoto.objects.order_by("pk"))
    assert [p.kind for p in photos] == ["jpg", "png", "webp"]
    first = photos[0]
    assert first.uploaded_by == place["trainer"] and first.size > 0
    # Stored under random names: nothing of the session, the person or the file's name.
    assert re.fullmatch(r"session-photos/[\w-]{24}/[0-9a-f]{32}\.jpg", first.file.name)
    assert photos[0].file.name.split("/")[1] != photos[1].file.name.split("/")[1]
    page = client.get(url).content.decode()
    served = reverse("classroom_sessions:photo", args=[session.pk, first.pk])
    assert served in page and first.file.name not in page
    response = client.get(served)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    # The roster links to them; the manager of the street sees them too.
    client.force_login(place["manager"])
    assert url in client.get(reverse("classroom_sessions:roster", args=[session.pk])).content.decode()
    assert client.get(served).status_code == 200
    # A manager of another street: not found; a learner: not let in.
    client.force_login(place["other_manager"])
    assert client.get(served).status_code == 404 and client.get(url).status_code == 404
    assert client.post(url, {"photo": picture()}).status_code == 404
    client.force_login(place["a"])
    assert client.get(served).status_code in (302, 403)
    assert SessionPhoto.objects.count() == 3
    # A photo of another session is not reached through this one.
    other = plan(place, title="另一场")
    assert client.get(reverse("classroom_sessions:photo", args=[other.pk, first.pk])).status_code != 200


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4\n%%EOF\n", "sheet.jpg"),  # a document renamed
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "sheet.svg"),  # scripts can hide in SVG
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "sheet.png"),  # PNG's signature, then nothing readable
        (b"", "empty.jpg"),
    ],
)
def test_files_that_are_not_photos_are_refused(client, place, in_english, content, name):
    session = plan(place)
    client.force_login(place["trainer"])
    url = reverse("classroom_sessions:photos", args=[session.pk])
    response = client.post(url, {"photo": SimpleUploadedFile(name, content)}, follow=True)
    assert response.status_code == 200 and not SessionPhoto.objects.exists()
    assert "photo" in response.content.decode().lower() or "picture" in response.content.decode()


def test_size_and_count_limits(place, monkeypatch):
    session = plan(place)
    monkeypatch.setattr(services, "PHOTO_MAX_BYTES", 100)
    with pytest.raises(ValidationError):
        services.session_photo_add(session=session, file=picture(size=(400, 400)), actor=place["trainer"])
    monkeypatch.setattr(services, "PHOTO_MAX_BYTES", 10 * 1024 * 1024)
    monkeypatch.setattr(services, "PHOTOS_PER_SESSION", 1)
    services.session_photo_add(session=session, file=picture(), actor=place["trainer"])
    with pytest.raises(ValidationError):
        services.session_photo_add(session=session, file=picture(), actor=place["trainer"])
    assert SessionPhoto.objects.count() == 1


def test_photos_are_printed_after_the_attendance_sheet(client, place):
    session = plan(place)
    client.force_login(place["trainer"])
    sheet = reverse("classroom_sessions:sheet", args=[session.pk, "pdf"])
    without = client.get(sheet).content
    services.session_photo_add(session=session, file=picture(), actor=place["trainer"])
    services.session_photo_add(session=session, file=picture("PNG", "b.png"), actor=place["trainer"])
    services.session_photo_add(session=session, file=picture(size=(30, 90)), actor=place["trainer"])
    with_photos = client.get(sheet).content
    pages = lambda pdf: len(re.findall(rb"/Type\s*/Page[^s]", pdf))  # noqa: E731
    assert pages(with_photos) == pages(without) + 2  # three photos, two to a page
    assert with_photos.count(b"/Subtype /Image") == 3
    # A photo whose file went missing is left out; the sheet still prints.
    SessionPhoto.objects.first().file.delete(save=False)
    assert client.get(sheet).status_code == 200
