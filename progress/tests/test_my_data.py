"""「我的数据」: a page the person reads (headings, local times, words for codes) and the JSON beside it,
both about the signed-in person only."""

import datetime
import json
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from core.personal_data import Coded, display_value
from progress import services
from progress.exports import FIELD_LABELS, SECTION_TITLES, personal_data_page
from progress.models import Enrolment, ItemProgress
from tests.factories import make_course, make_lesson, make_user

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def course():
    course = make_course("扫码登记入门")
    for i in range(2):
        make_lesson(course, f"第 {i + 1} 课")
    return course


@pytest.fixture
def learner(client):
    user = make_user("learner1", name="张网格", mobile="13800000011")
    client.force_login(user)
    return user


def lessons_of(course):
    return list(course.items().specific())


def test_the_page_shows_only_the_signed_in_persons_data(client, learner, course):
    other = make_user("wangwu-account", mobile="13900000000", name="王五", email="wangwu@example.com")
    lessons = lessons_of(course)
    services.item_complete(learner=other, item=lessons[1], course=course)
    services.item_complete(learner=learner, item=lessons[0], course=course)
    response = client.get(reverse("progress:my_data_page") + f"?user={other.pk}&learner={other.pk}")
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "张网格" in html and "13800000011" in html and "第 1 课" in html
    for theirs in ("王五", "13900000000", "wangwu@example.com", "第 2 课", "wangwu-account"):
        assert theirs not in html, theirs
    assert reverse("progress:my_data") in html  # the machine-readable file beside it


def test_the_page_needs_a_signed_in_person(client):
    response = client.get(reverse("progress:my_data_page"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_times_are_local_on_the_page_and_in_the_file(client, learner, course, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    lesson = lessons_of(course)[0]
    services.item_complete(learner=learner, item=lesson, course=course)
    at = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 07:30 the next morning in Chongqing
    ItemProgress.objects.filter(learner=learner).update(completed_at=at, first_seen_at=at, last_seen_at=at)
    html = client.get(reverse("progress:my_data_page")).content.decode()
    assert "2026-03-02 07:30" in html and "23:30" not in html
    data = json.loads(client.get(reverse("progress:my_data")).content)
    [row] = data["item_progress"]
    assert row["completed_at"].startswith("2026-03-02T07:30:00") and row["completed_at"].endswith("+08:00")
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    assert datetime.datetime.fromisoformat(row["completed_at"]) == at.astimezone(shanghai)


def test_sections_have_headings_and_labels_not_keys(client, learner, course):
    services.enrolment_join(learner=learner, course=course)
    sections = {section.key: section for section in personal_data_page(learner)}
    assert list(sections)[:2] == ["account", "enrolments"]
    for key in ("account", "enrolments", "quiz_attempts", "certificates", "notifications"):
        assert sections[key].title == str(SECTION_TITLES[key])
    labels = {shown.label for shown in sections["account"].fields}
    assert str(FIELD_LABELS["date_joined"]) in labels and "date_joined" not in labels
    [enrolment] = sections["enrolments"].rows
    shown = {item.label: item.text for item in enrolment}
    status = str(FIELD_LABELS["status"])
    assert shown[status] == str(Enrolment.Status(Enrolment.objects.get(learner=learner).status).label)
    assert not any("course_id" in item.label for item in enrolment)  # ids stay in the file only
    json_keys = set(json.loads(client.get(reverse("progress:my_data")).content)["enrolments"][0])
    assert {"course_id", "status", "source"} <= json_keys  # the file keeps codes and ids


def test_one_formatter_for_every_value():
    assert display_value(None) == "—"
    assert display_value(True) in ("是", "Yes")
    assert display_value(Coded("overdue", "已逾期")) == "已逾期"
    assert json.dumps(Coded("overdue", "已逾期")) == '"overdue"'
    assert display_value(datetime.date(2026, 3, 2)) == "2026-03-02"
    assert display_value(["渝中区", "解放碑街道"]) == "渝中区 / 解放碑街道"
    with timezone.override("Asia/Shanghai"):
        assert display_value(datetime.datetime(2026, 3, 1, 23, 30, tzinfo=UTC)) == "2026-03-02 07:30"


def test_every_key_of_every_section_has_a_label(learner):
    """A new field in any app's personal_data shows under its raw key until it is given words here."""
    from progress.exports import HIDDEN_FIELDS, personal_data

    def keys(value):
        if isinstance(value, dict):
            return set(value)
        if isinstance(value, list):
            return {k for row in value if isinstance(row, dict) for k in row}
        return set()

    data = personal_data(learner)
    assert set(data) <= set(SECTION_TITLES)
    for value in data.values():
        missing = keys(value) - set(FIELD_LABELS) - HIDDEN_FIELDS
        assert not missing, missing
    assert not re.search(r"_id\b", " ".join(str(label) for label in FIELD_LABELS.values()))


def test_offline_completions_are_in_the_download_with_their_outcome(client, learner, course):
    import uuid

    from progress.models import OfflineCompletion

    lesson = lessons_of(course)[0]
    services.enrolment_join(learner=learner, course=course)
    Enrolment.objects.filter(learner=learner).update(enrolled_at=timezone.now() - datetime.timedelta(hours=1))
    done = (timezone.now() - datetime.timedelta(minutes=5)).replace(microsecond=0)
    key, refused_key = uuid.uuid4(), uuid.uuid4()
    services.offline_completion_record(learner=learner, key=key, item_id=lesson.pk, completed_at=done)
    services.offline_completion_record(learner=learner, key=refused_key, item_id=999999, completed_at=done)
    other = make_user("someone-else", mobile="13900000012")
    services.offline_completion_record(learner=other, key=uuid.uuid4(), item_id=lesson.pk, completed_at=done)

    data = json.loads(client.get(reverse("progress:my_data")).content)
    rows = data["offline_completions"]
    assert [(r["key"], r["item"], r["outcome"]) for r in rows] == [
        (str(key), "第 1 课", OfflineCompletion.Outcome.RECORDED),
        (str(refused_key), None, OfflineCompletion.Outcome.NOT_A_LESSON),
    ]
    assert datetime.datetime.fromisoformat(rows[0]["completed_at"]) == done
    sections = {section.key: section for section in personal_data_page(learner)}
    assert len(sections["offline_completions"].rows) == 2
    assert sections["offline_completions"].title == str(SECTION_TITLES["offline_completions"])
