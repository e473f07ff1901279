"""「保存到手机」: the list of what the phone keeps of a course (progress:course_offline)."""

import pytest
from django.urls import reverse

from core import pwa
from progress import offline
from progress.offline import Picture, pictures_in_html
from tests.factories import image_block, make_course, make_image, make_lesson, make_user, paragraph

pytestmark = pytest.mark.django_db


def url_of(course) -> str:
    return reverse("progress:course_offline", args=(course.pk,))


@pytest.fixture
def course():
    course = make_course("离线保存课", open_enrolment=True)
    make_lesson(course, "第一课", body=[paragraph(), image_block(make_image(size=(1200, 800)))])
    make_lesson(course, "第二课")
    make_lesson(course, "草稿课", live=False)
    return course


def test_a_learner_gets_every_published_lesson_its_pictures_and_the_static_files(client, course):
    client.force_login(make_user("saver"))
    response = client.get(url_of(course) + "?px=720")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"
    data = response.json()
    lessons = course.get_children().live().order_by("path")
    assert [page["url"] for page in data["pages"]] == [course.url, *(lesson.url for lesson in lessons)]
    assert "草稿课" not in str(data) and data["my_learning"] == "/my/"
    assert len(data["images"]) == 1
    image = data["images"][0]
    assert ".width-960." in image["url"] and image["url"].endswith(".webp") and image["bytes"] > 0
    assert any(".width-480." in alias and kept == image["url"] for alias, kept in data["aliases"].items())
    assert {file["url"] for file in data["files"]} >= {"/static/css/site.css", "/static/js/pwa.js"}
    assert all(file["bytes"] > 0 for file in data["files"])
    assert data["bytes"] == sum(entry["bytes"] for key in ("pages", "images", "files") for entry in data[key])


def test_a_phone_with_a_small_screen_keeps_the_small_picture(client, course):
    client.force_login(make_user("small-phone"))
    data = client.get(url_of(course) + "?px=360").json()
    assert ".width-480." in data["images"][0]["url"] and data["images"][0]["url"].endswith(".webp")
    assert client.get(url_of(course) + "?px=lots").status_code == 200


def test_the_version_changes_when_a_trainer_publishes_a_change(client, course):
    client.force_login(make_user("watcher"))
    before = client.get(url_of(course)).json()["version"]
    assert client.get(url_of(course)).json()["version"] == before
    lesson = course.get_children().live().first().specific
    lesson.title = "第一课（新）"
    lesson.save_revision().publish()
    after = client.get(url_of(course)).json()
    assert after["version"] != before
    draft = course.get_children().filter(live=False).first().specific
    draft.save_revision().publish()
    assert client.get(url_of(course)).json()["version"] != after["version"]
    assert len(client.get(url_of(course)).json()["pages"]) == 4


def test_a_course_given_by_assignment_is_refused_to_a_learner_it_is_not_given_to(client):
    closed = make_course("指派课", open_enrolment=False)
    make_lesson(closed, "第一课")
    client.force_login(make_user("outsider"))
    assert client.get(url_of(closed)).status_code == 403


def test_an_enrolled_learner_may_save_a_course_given_by_assignment(client):
    from progress.models import Enrolment

    closed = make_course("指派课", open_enrolment=False)
    make_lesson(closed, "第一课")
    learner = make_user("assigned")
    Enrolment.objects.create(learner=learner, course=closed, source="assigned")
    client.force_login(learner)
    assert client.get(url_of(closed)).status_code == 200


def test_an_unpublished_course_and_signed_out_visitors_are_refused(client, course):
    assert client.get(url_of(course)).status_code == 302  # to sign in
    client.force_login(make_user("late"))
    draft = make_course("未发布", live=False)
    assert client.get(url_of(draft)).status_code == 404


def test_the_size_estimate_of_a_page_is_close_to_the_saved_copy(client, course):
    client.force_login(make_user("measurer"))
    data = client.get(url_of(course)).json()
    for page in data["pages"]:
        actual = len(client.get(page["url"], headers={pwa.OFFLINE_HEADER: "1"}).content)
        assert 0.7 * actual < page["bytes"] < 1.3 * actual, (page["url"], page["bytes"], actual)


def test_pictures_are_read_from_picture_elements_and_plain_images():
    html = (
        '<picture><source type="image/webp" srcset="/media/a.480.webp 480w, /media/a.960.webp 960w">'
        '<source type="image/jpeg" srcset="/media/a.480.jpg 480w">'
        '<img src="/media/a.480.jpg" alt=""></picture>'
        '<img src="/media/b.png" alt="">'
    )
    first, second = pictures_in_html(html)
    assert first.pick(720) == "/media/a.960.webp" and first.pick(400) == "/media/a.480.webp"
    assert first.pick(2000) == "/media/a.960.webp"
    assert second.pick(720) == "/media/b.png"
    assert Picture([("/x.png", 0)]).pick(100) == "/x.png"
    assert offline.DEFAULT_PIXELS == 720


def test_the_course_page_offers_saving_to_signed_in_learners_who_may_learn_there(client, course):
    assert "data-offline-save" not in client.get(course.url).content.decode()
    client.force_login(make_user("offered"))
    html = client.get(course.url).content.decode()
    assert "data-offline-save" in html and f'data-url="{url_of(course)}"' in html


def test_my_learning_marks_each_course_for_the_saved_index(client, course):
    from progress import services

    learner = make_user("marked")
    services.enrolment_join(learner=learner, course=course)
    client.force_login(learner)
    html = client.get("/my/").content.decode()
    assert f'data-offline-course="{course.pk}"' in html and "data-offline-saved hidden" in html
