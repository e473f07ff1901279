import pytest
from django.urls import reverse

from tests.factories import make_course, make_lesson, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    qr = make_course("扫码登记入门", summary="教你用二维码完成无接触访客登记。")
    make_lesson(qr, "生成登记二维码", body=[paragraph("在社区通小程序里点击生成二维码，打印后贴在门口。")])
    make_lesson(qr, "帮老人代登记", body=[paragraph("没有智能手机的老人，可以由工作人员代为登记。")])
    temp = make_course("体温记录", summary="每日体温测量与异常处理。")
    make_lesson(temp, "测量体温", body=[paragraph("额温枪离额头三到五厘米。")])
    draft = make_course("草稿课程", live=False)
    make_lesson(draft, "草稿里的登记课", live=False, body=[paragraph("登记")])
    return qr, temp


def search(client, q, **extra):
    response = client.get(reverse("search"), {"q": q, **extra})
    assert response.status_code == 200
    return response


def test_chinese_substring_matches_titles_and_lesson_text(client, catalogue):
    response = search(client, "登记")
    titles = [hit.lesson.title for hit in response.context["lesson_hits"]]
    assert titles == ["生成登记二维码", "帮老人代登记"]
    assert [course.title for course in response.context["courses"]] == ["扫码登记入门"]


def test_matches_inside_lesson_body_with_course_and_excerpt(client, catalogue):
    response = search(client, "额温枪")
    hits = response.context["lesson_hits"]
    assert len(hits) == 1
    assert hits[0].course.title == "体温记录"
    assert "额温枪" in hits[0].excerpt
    assert "体温记录" in response.content.decode()


def test_every_term_must_match(client, catalogue):
    assert [h.lesson.title for h in search(client, "老人 登记").context["lesson_hits"]] == ["帮老人代登记"]
    assert search(client, "老人 体温").context["lesson_hits"] == []


def test_drafts_are_never_found(client, catalogue):
    html = search(client, "草稿").content.decode()
    assert "草稿课程" not in html and "草稿里的登记课" not in html


def test_empty_query_shows_the_form_only(client, catalogue):
    response = search(client, "")
    assert response.context["lesson_hits"] == []
    assert 'type="search"' in response.content.decode()


def test_no_results_gives_advice(client, catalogue):
    assert "试试更少、更短的词" in search(client, "不存在的词").content.decode()


def test_long_or_odd_queries_never_fail(client, catalogue):
    for q in ["%", "_", "' OR 1=1 --", "登" * 5000, "a b c d e f g h"]:
        search(client, q)
    search(client, "登记", page="999")
    search(client, "登记", page="abc")


def test_results_paginate(client):
    course = make_course("分页课程")
    for i in range(23):
        make_lesson(course, f"分页课 {i:02d}")
    first = search(client, "分页课")
    assert len(first.context["lesson_hits"]) == 20
    second = search(client, "分页课", page=2)
    assert len(second.context["lesson_hits"]) == 3
    assert second.context["courses"] == []


@pytest.mark.parametrize("typed", ["ai", "AI", "Ai", "ＡＩ", "ａｉ"])
def test_width_and_case_variants_find_the_same_pages(client, typed):
    """Input methods type full-width letters: NFKC + casefold on the query and the indexed text."""
    course = make_course("ＡＩ助手入门", summary="用 Ai 写社区通知。")
    make_lesson(course, "让AI起草通知", body=[paragraph("打开ａｉ助手，输入通知要点。")])
    make_lesson(course, "核对Ai写的内容", body=[paragraph("逐条核对。")])
    response = search(client, typed)
    assert [c.title for c in response.context["courses"]] == ["ＡＩ助手入门"]
    assert [h.lesson.title for h in response.context["lesson_hits"]] == ["让AI起草通知", "核对Ai写的内容"]


def test_excerpt_is_shown_as_written_around_a_folded_match(client):
    course = make_course("通知")
    make_lesson(course, "群通知", body=[paragraph("在WeChat群里发布通知前，先请ＡＩ助手检查错别字。")])
    (hit,) = search(client, "ai助手").context["lesson_hits"]
    assert "ＡＩ助手检查错别字" in hit.excerpt and "WeChat" in hit.excerpt


def test_a_topic_renamed_later_is_still_found(client):
    from courses.models import Topic

    topic = Topic.objects.create(name="扫码", slug="scan")
    make_course("门岗登记", topic=topic)
    topic.name = "ＱＲ扫码"
    topic.save()
    assert [c.title for c in search(client, "扫码").context["courses"]] == ["门岗登记"]
